using EdgeGate.Devices.Mqtt;

namespace EdgeGate.Devices.Tests.Mqtt;

public sealed class MqttClientOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => new MqttClientOptions().Validate();

    [Theory]
    [InlineData("Port")]
    [InlineData("ClientId")]
    [InlineData("Password")]
    [InlineData("ClientCertificatePath")]
    [InlineData("KeepAlive")]
    [InlineData("StallTimeout")]
    public void InvalidSetting_IsNamed(string setting)
    {
        var options = setting switch
        {
            "Port" => new MqttClientOptions { Port = 0 },
            "ClientId" => new MqttClientOptions { ClientId = null, CleanSession = false },
            "Password" => new MqttClientOptions { Password = "secret" },
            "ClientCertificatePath" => new MqttClientOptions { CaCertificatePath = "ca.crt", ClientCertificatePath = "client.crt" },
            "KeepAlive" => new MqttClientOptions { KeepAlive = TimeSpan.FromSeconds(2) },
            _ => new MqttClientOptions { ReconnectDelayMaximum = TimeSpan.FromMinutes(1), StallTimeout = TimeSpan.FromMinutes(1) },
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public async Task MissingCaFile_FaultsWithThePath()
    {
        await using var client = new MosquittoClient(new MqttClientOptions
        {
            Port = 1,
            CaCertificatePath = "/nonexistent/edgegate-ca.crt",
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });

        var error = await Assert.ThrowsAsync<EdgeGate.Core.Messaging.MqttException>(() => client.ConnectAsync(CancellationToken.None));
        Assert.Contains("/nonexistent/edgegate-ca.crt", error.Message, StringComparison.Ordinal);
        Assert.Equal(EdgeGate.Core.Messaging.MqttConnectionState.Faulted, client.State);
    }

    [Fact]
    public void NativeLibraryVersion_Is2OrNewer() => Assert.True(MosquittoClient.NativeLibraryVersion >= new Version(2, 0, 0));
}
