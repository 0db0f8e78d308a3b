using EdgeGate.Devices.Mqtt;
using EdgeGate.Tools.Simulator;
using EdgeGate.Uplink;
using EdgeGate.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Privacy;
using EdgeGate.TestSupport.Peers;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

/// <summary>
/// A gateway (database in a temp folder, uplink session on a real SupervisedMqttClient) and a platform
/// simulator on its own client, both on a test's broker. Disposing stops both and deletes the folder.
/// </summary>
internal sealed class UplinkTestBed : IAsyncDisposable
{
    public const string Site = "site-1";
    public const string Gateway = "gw-1";
    public const string ModelId = "test-model";
    public const int TemplateLength = 8;
    public const int CommandLimitBytes = 256 * 1024;

    private readonly CancellationTokenSource stop = new();
    private readonly TemplateKey key;
    private Task? running;

    private UplinkTestBed(string directory, EdgeGateDatabase database, TemplateKey key)
    {
        Directory = directory;
        Database = database;
        this.key = key;
    }

    public string Directory { get; }

    public EdgeGateDatabase Database { get; }

    public SupervisedMqttClient GatewayClient { get; private set; } = null!;

    public UplinkSession Session { get; private set; } = null!;

    public SupervisedMqttClient PlatformClient { get; private set; } = null!;

    public PlatformSimulator Platform { get; private set; } = null!;

    public static MqttClientOptions ClientOptions(int port, string clientId, string? caPath = null) => new()
    {
        Host = MosquittoBroker.Host,
        Port = port,
        ClientId = clientId,
        CaCertificatePath = caPath,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        OperationTimeout = TimeSpan.FromSeconds(5),
    };

    public static async Task<UplinkTestBed> StartAsync(
        MosquittoBroker broker,
        UplinkSessionOptions? sessionOptions = null,
        bool tls = false,
        long journalCap = 1_000_000,
        PlatformSimulatorOptions? platformOptions = null,
        bool connectGateway = true,
        long? maximumDatabaseBytes = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("edgegate-uplink-").FullName;
        var key = new TemplateKey(Enumerable.Range(1, TemplateKey.LengthBytes).Select(i => (byte)i).ToArray());
        var database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = Path.Combine(directory, "edgegate.db"), JournalMaximumRows = journalCap, MaximumDatabaseBytes = maximumDatabaseBytes }, key);
        var bed = new UplinkTestBed(directory, database, key);
        try
        {
            var port = tls ? broker.TlsPort!.Value : broker.Port;
            var ca = tls ? broker.CaCertificatePath : null;
            var topics = new UplinkTopics(Site, Gateway);
            var gatewayOptions = ClientOptions(port, "gw-" + Guid.NewGuid().ToString("N")[..12], ca);
            bed.GatewayClient = new SupervisedMqttClient(new MqttClientOptions
            {
                Host = gatewayOptions.Host,
                Port = gatewayOptions.Port,
                ClientId = gatewayOptions.ClientId,
                CaCertificatePath = ca,
                ConnectTimeout = gatewayOptions.ConnectTimeout,
                OperationTimeout = gatewayOptions.OperationTimeout,
                WillTopic = topics.State,
                WillPayload = UplinkMessages.OfflineState(topics),
                WillRetain = true,
            });
            bed.PlatformClient = new SupervisedMqttClient(ClientOptions(port, "pf-" + Guid.NewGuid().ToString("N")[..12], ca));
            bed.Platform = new PlatformSimulator(bed.PlatformClient, Site, Gateway, platformOptions);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await bed.PlatformClient.ConnectAsync(timeout.Token);
            await bed.Platform.StartAsync(timeout.Token);

            var dispatcher = new PlatformCommandDispatcher(
                UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings(ModelId, TemplateLength), TimeProvider.System),
                database, CommandLimitBytes, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance);
            bed.Session = new UplinkSession(bed.GatewayClient, database, topics,
                sessionOptions ?? new UplinkSessionOptions { AckTimeout = TimeSpan.FromSeconds(3), PollInterval = TimeSpan.FromMilliseconds(50) },
                dispatcher, TimeProvider.System, NullLogger<UplinkSession>.Instance);
            if (connectGateway)
            {
                await bed.StartUplinkAsync();
            }
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the uplink session and connects the gateway (when not done by <see cref="StartAsync"/>).</summary>
    public async Task StartUplinkAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await GatewayClient.ConnectAsync(timeout.Token);
        running = Session.RunAsync(stop.Token);
        await Session.Subscribed.WaitAsync(timeout.Token);
    }

    public async Task<IReadOnlyList<long>> JournalAsync(int count, int everyNthAlert = 0, string type = "access_granted")
    {
        var seqs = new List<long>(count);
        for (var start = 0; start < count; start += 500)
        {
            var drafts = Enumerable.Range(start, Math.Min(500, count - start))
                .Select(i => everyNthAlert > 0 && i % everyNthAlert == everyNthAlert - 1
                    ? new JournalDraft(JournalLane.Alert, "watchlist_match", DateTimeOffset.UtcNow, $"{{\"i\":{i}}}")
                    : new JournalDraft(JournalLane.Event, type, DateTimeOffset.UtcNow, $"{{\"i\":{i}}}"))
                .ToList();
            seqs.AddRange(await Database.Journal.AppendBatchAsync(drafts));
        }
        return seqs;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (running is not null)
        {
            try
            {
                await running.WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
        if (PlatformClient is not null)
        {
            await PlatformClient.DisposeAsync();
        }
        if (GatewayClient is not null)
        {
            await GatewayClient.DisposeAsync();
        }
        await Database.DisposeAsync();
        key.Dispose();
        stop.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
