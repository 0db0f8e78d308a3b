using EdgeGate.Core.Messaging;
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
        () => new MosquittoClient(options),
        database,
        new UplinkTopics(UplinkTestBed.Site, UplinkTestBed.Gateway),
        new UplinkSessionOptions(),
        new PlatformCommandDispatcher(UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("", 8), TimeProvider.System),
            database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance),
        TimeProvider.System,
        NullLoggerFactory.Instance);

    [Fact]
    public async Task Wrong_password_stops_the_uplink_with_a_clear_error_and_no_retries()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = new Dictionary<string, string> { ["gw-1"] = "right" } });
        var options = UplinkTestBed.ClientOptions(broker.Port, "gw-wrong-password");
        var service = Service(new MqttClientOptions
        {
            Host = options.Host, Port = options.Port, ClientId = options.ClientId, Username = "gw-1", Password = "wrong",
            ReconnectDelayInitial = TimeSpan.FromSeconds(1), ReconnectDelayMaximum = TimeSpan.FromSeconds(1), StallTimeout = TimeSpan.FromSeconds(10),
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
            ConnectTimeout = TimeSpan.FromSeconds(3), ReconnectDelayInitial = TimeSpan.FromSeconds(1), ReconnectDelayMaximum = TimeSpan.FromSeconds(4),
            StallTimeout = TimeSpan.FromSeconds(20),
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
