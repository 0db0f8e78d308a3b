using EdgeGate.Core;
using EdgeGate.Devices.Mqtt;

namespace EdgeGate.Devices.Tests.Mqtt;

public sealed class MqttClientOptionsTests
{
    [Fact]
    public void Defaults_are_valid() => new MqttClientOptions().Validate();

    [Theory]
    [InlineData("Port")]
    [InlineData("ClientId")]
    [InlineData("Password")]
    [InlineData("ClientCertificatePath")]
    [InlineData("KeepAlive")]
    [InlineData("Reconnect")]
    public void Invalid_setting_is_named(string setting)
    {
        var options = setting switch
        {
            "Port" => new MqttClientOptions { Port = 0 },
            "ClientId" => new MqttClientOptions { ClientId = null, CleanSession = false },
            "Password" => new MqttClientOptions { Password = "secret" },
            "ClientCertificatePath" => new MqttClientOptions { CaCertificatePath = "ca.crt", ClientCertificatePath = "client.crt" },
            "KeepAlive" => new MqttClientOptions { KeepAlive = TimeSpan.FromSeconds(2) },
            _ => new MqttClientOptions { Reconnect = RetryPacing.Broker with { First = TimeSpan.Zero } },
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public async Task Missing_ca_file_faults_with_the_path()
    {
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Port = 1,
            CaCertificatePath = "/nonexistent/edgegate-ca.crt",
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });

        var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(CancellationToken.None));
        Assert.Contains("CA certificate file not found: /nonexistent/edgegate-ca.crt", error.Message, StringComparison.Ordinal);
        Assert.Equal(MqttConnectionState.Faulted, client.State);
    }

    [Fact]
    public async Task A_ca_file_without_a_certificate_faults_with_the_path()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "not a certificate\n");
            await using var client = new SupervisedMqttClient(new MqttClientOptions { Port = 1, CaCertificatePath = path, ConnectTimeout = TimeSpan.FromSeconds(5) });

            var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(CancellationToken.None));

            Assert.Contains($"CA certificate file {path} holds no PEM certificate", error.Message, StringComparison.Ordinal);
            Assert.Equal(MqttConnectionState.Faulted, client.State);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
