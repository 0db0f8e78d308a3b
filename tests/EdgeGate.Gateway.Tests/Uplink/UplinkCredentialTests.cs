using EdgeGate.Core;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Gateway.Uplink;
using EdgeGate.Gateway.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using EdgeGate.TestSupport.Peers;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

/// <summary>Wrong credentials stop the uplink with a clear error; a wrong CA is reported and retried slowly, never in a hot loop.</summary>
public sealed class UplinkCredentialTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-cred-").FullName;
    private TemplateKey key = null!;
    private EdgeGateDatabase database = null!;

    public Task InitializeAsync()
    {
        key = new TemplateKey(new byte[TemplateKey.LengthBytes]);
        database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = Path.Combine(directory, "db") }, key);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        key.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private UplinkService Service(MqttClientOptions options) => new(
        () => new SupervisedMqttClient(options),
        database,
        new UplinkTopics(UplinkTestBed.Site, UplinkTestBed.Gateway),
        new UplinkSessionOptions(),
        new PlatformCommandDispatcher(UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("", 8), TimeProvider.System),
            database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance),
        TimeProvider.System,
        NullLoggerFactory.Instance);

    [Fact]
    public void The_password_comes_from_the_credentials_directory_and_a_widely_readable_one_is_refused()
    {
        var credentials = Path.Combine(directory, "credentials");
        var uplink = new EdgeGate.Gateway.Configuration.UplinkOptions { Enabled = true, Host = "127.0.0.1", Username = "gw-1" };
        var gateway = new EdgeGate.Gateway.Configuration.GatewayOptions { SiteId = UplinkTestBed.Site, GatewayId = UplinkTestBed.Gateway };
        Assert.Null(UplinkConnection.CreateOptions(uplink, gateway, credentials).Password);

        Assert.True(CredentialFile.WriteText(credentials, UplinkConnection.PasswordFileName, "s3cret pass", overwrite: false));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(credentials, UplinkConnection.PasswordFileName)));
        Assert.Equal("s3cret pass", UplinkConnection.CreateOptions(uplink, gateway, credentials).Password);

        File.SetUnixFileMode(Path.Combine(credentials, UplinkConnection.PasswordFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var refused = Assert.Throws<CredentialFileException>(() => UplinkConnection.CreateOptions(uplink, gateway, credentials));
        Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_stops_the_uplink_with_a_clear_error_and_no_retries()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = new Dictionary<string, string> { ["gw-1"] = "right" } });
        var options = UplinkTestBed.ClientOptions(broker.Port, "gw-wrong-password");
        var service = Service(new MqttClientOptions
        {
            Host = options.Host, Port = options.Port, ClientId = options.ClientId, Username = "gw-1", Password = "wrong",
        });
        using var stop = new CancellationTokenSource();
        await service.StartAsync(stop.Token);
        try
        {
            await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(service.Status.State == MqttConnectionState.Faulted), "the uplink gave up");
            await Task.Delay(TimeSpan.FromSeconds(4));

            var status = service.Status;
            output.WriteLine($"state {status.State}: {status.LastError}; connection attempts {broker.CountLogLines("New connection from")}");
            Assert.Equal(MqttConnectionState.Faulted, status.State);
            Assert.Contains("not authori", status.LastError, StringComparison.OrdinalIgnoreCase);
            Assert.InRange(broker.CountLogLines("New connection from"), 1, 2);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }

    [Fact]
    public async Task Wrong_ca_is_reported_and_retried_with_backoff_not_hot()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        var unrelated = await broker.CreateUnrelatedCaCertificateAsync();
        var service = Service(new MqttClientOptions
        {
            Host = MosquittoBroker.Host, Port = broker.TlsPort!.Value, ClientId = "gw-wrong-ca", CaCertificatePath = unrelated,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            Reconnect = new RetryPacing(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(4)),
        });
        using var stop = new CancellationTokenSource();
        await service.StartAsync(stop.Token);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(8));

            var status = service.Status;
            var attempts = broker.CountLogLines("New connection from");
            output.WriteLine($"state {status.State}: {status.LastError}; {attempts} connection attempts in 8 s");
            Assert.NotEqual(MqttConnectionState.Connected, status.State);
            Assert.False(string.IsNullOrEmpty(status.LastError));
            Assert.InRange(attempts, 1, 6);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }
}
