using System.Text;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Recognition;
using EdgeGate.Tools.Demo;
using EdgeGate.Tools.Simulator;
using EdgeGate.Access;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Gateway.Tests.Uplink;
using EdgeGate.TestSupport.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace EdgeGate.Gateway.Tests.EndToEnd;

/// <summary>What one test's gateway is configured with beyond the shared peers.</summary>
public sealed record EndToEndGateOptions(string Name, string CameraUrl)
{
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attach the platform simulator before the gateway starts (else call <see cref="EndToEndGate.AttachPlatformAsync"/>).</summary>
    public bool PlatformFromStart { get; init; } = true;

    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public bool Api { get; init; }
}

/// <summary>
/// One test's gateway: the real host (<see cref="GatewayHost.Build"/>) on a fresh data folder with
/// real SQLite, the demo's residents enrolled from the cut faces, one camera on a test stream, the
/// door on the relay board's pty, the uplink to the class's broker and a platform simulator for this
/// gateway's own id (a fresh journal starts again at seq 1). Disposing stops everything it started.
/// </summary>
public sealed class EndToEndGate : IAsyncDisposable
{
    public const string SiteId = "e2e-site";
    public const string CameraName = "gate-cam";
    public const string DoorName = "main-gate";
    public const int Coil = 0;
    public static readonly TimeSpan PulseLength = TimeSpan.FromMilliseconds(600);
    public const string ValidResident = "demo-101";
    public const string ExpiredResident = "demo-102";
    public const string WatchListedVisitor = "demo-900";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly EndToEndPeers peers;
    private SupervisedMqttClient? platformClient;

    private EndToEndGate(EndToEndPeers peers, EdgeGateSettings settings, string directory)
    {
        this.peers = peers;
        Settings = settings;
        Directory = directory;
    }

    public EdgeGateSettings Settings { get; }

    public string Directory { get; }

    public WebApplication App { get; private set; } = null!;

    public DecisionFeed Feed => App.Services.GetRequiredService<DecisionFeed>();

    public CameraHealthRegistry Cameras => App.Services.GetRequiredService<CameraHealthRegistry>();

    public PlatformSimulator? Platform { get; private set; }

    /// <summary>The relay board's coil writes before this gateway started.</summary>
    public int CoilWritesBefore { get; private set; }

    /// <summary>The console's base address (when <see cref="EndToEndGateOptions.Api"/>).</summary>
    public string ApiUrl => Settings.Api.Url;

    public string ApiToken => File.ReadAllText(ApiTokenStore.PathIn(GatewayDatabase.CredentialsDirectory(Settings))).Trim();

    public static async Task<EndToEndGate> StartAsync(EndToEndPeers peers, EndToEndGateOptions options, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"edgegate-e2e-{options.Name}-").FullName;
        var gatewayId = $"{options.Name}-{Guid.NewGuid():N}"[..Math.Min(64, options.Name.Length + 13)];
        var settings = new EdgeGateSettings
        {
            Gateway = new GatewayOptions
            {
                SiteId = SiteId,
                GatewayId = gatewayId,
                DataDirectory = directory,
                CredentialsDirectory = Path.Combine(directory, "credentials"),
                LogDirectory = Path.Combine(directory, "logs"),
                TimeZone = "UTC",
            },
            Cameras = [new CameraOptions { Name = CameraName, Url = options.CameraUrl, Door = DoorName, AnalyseFps = 8 }],
            Doors =
            [
                new DoorOptions
                {
                    Name = DoorName,
                    Kind = DoorKind.ModbusRtu,
                    PulseLength = PulseLength,
                    ModbusRtu = new ModbusRtuDoorOptions
                    {
                        Port = peers.RelayLine.PathB,
                        SlaveId = 1,
                        Coil = Coil,
                        ResponseTimeout = TimeSpan.FromMilliseconds(500),
                        Retries = 2,
                    },
                },
            ],
            Policy = new PolicyOptions { Cooldown = options.Cooldown },
            Uplink = new UplinkOptions
            {
                Enabled = true,
                Host = MosquittoBroker.Host,
                Port = peers.Broker.Port,
                AckTimeout = options.AckTimeout,
                PollInterval = TimeSpan.FromMilliseconds(100),
                ReconnectDelayMaximum = TimeSpan.FromSeconds(2),
            },
            Api = new ApiOptions { Enabled = options.Api, Url = $"http://127.0.0.1:{PeerProcess.FreeTcpPort()}" },
        };
        var problems = settings.Validate();
        Assert.True(problems.Count == 0, string.Join("; ", problems));

        var gate = new EndToEndGate(peers, settings, directory);
        try
        {
            await using (var database = GatewayDatabase.Open(settings))
            {
                var residents = await DemoResidents.EnrolAsync(database, peers.Faces, DateTimeOffset.UtcNow, cancellationToken);
                Assert.Equal([ValidResident, ExpiredResident, WatchListedVisitor], residents.Where(resident => resident.Person is not null).Select(resident => resident.Person!.Id));
            }
            if (options.PlatformFromStart)
            {
                await gate.AttachPlatformAsync(cancellationToken);
            }
            gate.CoilWritesBefore = peers.CoilWrites().Count;
            gate.App = GatewayHost.Build(settings, consoleLevel: LogEventLevel.Warning);
            using var startLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startLimit.CancelAfter(StartTimeout);
            await gate.App.StartAsync(startLimit.Token);
            return gate;
        }
        catch
        {
            await gate.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects the platform simulator for this gateway (it publishes the acks from then on).</summary>
    public async Task AttachPlatformAsync(CancellationToken cancellationToken)
    {
        platformClient = new SupervisedMqttClient(UplinkTestBed.ClientOptions(peers.Broker.Port, $"platform-{Guid.NewGuid():N}"[..24]));
        await platformClient.ConnectAsync(cancellationToken);
        Platform = new PlatformSimulator(platformClient, SiteId, Settings.Gateway.GatewayId);
        await Platform.StartAsync(cancellationToken);
    }

    /// <summary>Coil writes the relay board has seen since this gateway started.</summary>
    public IReadOnlyList<ModbusSlaveEvent> CoilWrites() => peers.CoilWrites().Skip(CoilWritesBefore).ToList();

    /// <summary>The first decision in the feed that satisfies <paramref name="condition"/>.</summary>
    public Task<DecisionMade> WaitForDecisionAsync(Func<DecisionMade, bool> condition, TimeSpan timeout, string what) =>
        WaitForAsync(() => Feed.Recent.OfType<DecisionMade>().FirstOrDefault(condition), timeout, what);

    public Task<DoorOperated> WaitForDoorAsync(Guid attemptId, TimeSpan timeout) =>
        WaitForAsync(() => Feed.Recent.OfType<DoorOperated>().FirstOrDefault(operated => operated.Command.AttemptId == attemptId), timeout, $"the door operated for attempt {attemptId}");

    /// <summary>The event with <paramref name="seq"/> as the platform stored it.</summary>
    public Task<ReceivedEvent> WaitForPlatformEventAsync(long seq, TimeSpan timeout) =>
        WaitForAsync(() => Platform!.Events().FirstOrDefault(received => received.Seq == seq), timeout, $"event seq {seq} at the platform");

    /// <summary>Polls <paramref name="probe"/> until it yields something; the failure says what the gateway saw.</summary>
    public async Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout, string what) where T : class
        => (await Eventually.WaitForAsync(probe, found => found is not null, timeout, what, Describe))!;

    /// <summary>Camera health, decisions, platform and relay as seen now, and the log's warnings (for failure messages).</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine();
        if (App is not null)
        {
            text.AppendLine("cameras: " + string.Join("; ", Cameras.Snapshot()));
            foreach (var item in Feed.Recent.TakeLast(20))
            {
                text.AppendLine(item switch
                {
                    DecisionMade made => $"decision seq {made.Seq}: {made.Decision.ReasonCode} {made.Decision.PersonId} {made.Decision.Message}",
                    DoorOperated operated => $"door: {operated.Outcome} in {operated.Took.TotalMilliseconds:0} ms",
                    _ => item.ToString(),
                });
            }
        }
        if (Platform is not null)
        {
            text.AppendLine($"platform: ack {Platform.Ack}, arrival order [{string.Join(", ", Platform.ArrivalOrder())}], " +
                string.Join("; ", Platform.Events().Select(received => $"{received.Seq} {received.Lane} {received.Type}")));
        }
        text.AppendLine("relay: " + string.Join("; ", peers.Relay.Events.Select(change => $"{change.Kind} {change.Address}={change.Value}")));
        var logDirectory = Settings.Gateway.LogDirectory;
        if (System.IO.Directory.Exists(logDirectory))
        {
            foreach (var file in System.IO.Directory.GetFiles(logDirectory))
            {
                try
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var reader = new StreamReader(stream);
                    var lines = reader.ReadToEnd().Split('\n');
                    text.AppendLine("log: " + string.Join("\n", lines.TakeLast(25)));
                }
                catch (IOException)
                {
                    // The log is a help for the reader only.
                }
            }
        }
        return text.ToString();
    }

    public ValueTask DisposeAsync() =>
        new(Hosting.GatewayTestTeardown.StopAsync(App, Platform, platformClient, Directory, StopTimeout));
}
