using System.Text;
using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Devices.Serial;
using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Tools.Simulator;
using EdgeGate.Access;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Gateway.Tests.Live;
using EdgeGate.Gateway.Tests.Uplink;
using EdgeGate.TestSupport.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace EdgeGate.Gateway.Tests.Hosting;

/// <summary>Tests that run a whole gateway host each, one at a time (two shared cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CardGateCollection
{
    public const string Name = "Card gate";
}

/// <summary>
/// The real peers a card gate needs, started once per test class: a mosquitto broker (the platform's
/// side), a Modbus RTU relay board (pymodbus on one end of a socat pty pair) and a card reader line
/// (the test types card numbers into the other pair).
/// </summary>
public sealed class CardGatePeers : IAsyncLifetime
{
    public MosquittoBroker Broker { get; private set; } = null!;

    public SocatPair RelayLine { get; private set; } = null!;

    public ModbusSlave Relay { get; private set; } = null!;

    public SocatPair ReaderLine { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            Broker = await MosquittoBroker.StartAsync();
            RelayLine = await SocatPair.StartAsync();
            Relay = await ModbusSlave.StartAsync(RelayLine.PathA);
            ReaderLine = await SocatPair.StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        // The relay board before its line, everything before the broker.
        ReaderLine?.Dispose();
        Relay?.Dispose();
        RelayLine?.Dispose();
        Broker?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Coil writes the relay board has seen so far (oldest first).</summary>
    public IReadOnlyList<ModbusSlaveEvent> CoilWrites() => Relay.Events.Where(change => change.Kind == "coil").ToList();
}

/// <summary>
/// One test's gateway as <c>edgegate run</c> builds it (<see cref="GatewayHost.Build"/> from a
/// configuration file, real SQLite in a temp folder) without cameras: the card reader and the relay
/// door on <see cref="CardGatePeers"/>, the uplink to the peers' broker, the local API on a free
/// loopback port. One resident holds a valid card. Every log line is captured in <see cref="Logs"/>.
/// With <c>deadDoor</c>, a second door's relay board cannot be reached.
/// </summary>
public sealed class CardGate : IAsyncDisposable
{
    public const string SiteId = "card-site";
    public const string DoorName = "gate";
    public const string ResidentId = "card-resident";
    public const string ResidentCard = "0004A1B2C3";

    /// <summary>A second door (with <c>deadDoor</c>) whose relay board is on a serial port that does not exist.</summary>
    public const string DeadDoorName = "dead-door";
    public static readonly TimeSpan PulseLength = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly CardGatePeers peers;
    private SupervisedMqttClient? platformClient;
    private SerialPortStream? reader;
    private bool gatewayStopped;

    private CardGate(CardGatePeers peers, EdgeGateSettings settings, string directory)
    {
        this.peers = peers;
        Settings = settings;
        Directory = directory;
    }

    public EdgeGateSettings Settings { get; }

    public string Directory { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public WebApplication App { get; private set; } = null!;

    public DecisionFeed Feed => App.Services.GetRequiredService<DecisionFeed>();

    public PlatformSimulator Platform { get; private set; } = null!;

    public SupervisedMqttClient PlatformClient => platformClient!;

    /// <summary>Coil writes of the relay board before this gateway started.</summary>
    public int CoilWritesBefore { get; private set; }

    public Uri ApiAddress => new(Settings.Api.Url);

    public string ApiToken => File.ReadAllText(ApiTokenStore.PathIn(GatewayDatabase.CredentialsDirectory(Settings))).Trim();

    /// <summary>
    /// Writes the configuration, enrols the resident, attaches the platform simulator and, unless
    /// <paramref name="beforeStart"/> says otherwise, starts the gateway.
    /// </summary>
    /// <param name="beforeStart">Runs with the platform attached and before the gateway connects (e.g. to leave a retained message).</param>
    /// <param name="seed">Adds records to the database before the gateway starts.</param>
    /// <param name="services">Adds to the gateway's services (e.g. another log provider).</param>
    public static async Task<CardGate> StartAsync(
        CardGatePeers peers,
        string name,
        Func<CardGate, Task>? beforeStart = null,
        Func<EdgeGate.Storage.EdgeGateDatabase, Task>? seed = null,
        bool deadDoor = false,
        Action<IServiceCollection>? services = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"edgegate-card-{name}-").FullName;
        var gatewayId = $"{name}-{Guid.NewGuid():N}"[..Math.Min(40, name.Length + 9)];
        var configuration = new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["SiteId"] = SiteId,
                ["GatewayId"] = gatewayId,
                ["DataDirectory"] = Path.Combine(directory, "data"),
                ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
                ["LogDirectory"] = Path.Combine(directory, "logs"),
                ["TimeZone"] = "UTC",
            },
            ["Doors"] = new JsonArray
            {
                new JsonObject
                {
                    ["Name"] = DoorName,
                    ["Kind"] = "ModbusRtu",
                    ["PulseLength"] = PulseLength.ToString(),
                    ["ModbusRtu"] = new JsonObject
                    {
                        ["Port"] = peers.RelayLine.PathB,
                        ["SlaveId"] = 1,
                        ["Coil"] = 0,
                        ["ResponseTimeout"] = "00:00:00.500",
                        ["Retries"] = 1,
                    },
                },
            },
            ["Readers"] = new JsonArray
            {
                new JsonObject { ["Name"] = "gate-reader", ["Port"] = peers.ReaderLine.PathB, ["Format"] = "AsciiLine", ["Door"] = DoorName },
            },
            ["Uplink"] = new JsonObject
            {
                ["Enabled"] = true,
                ["Host"] = MosquittoBroker.Host,
                ["Port"] = peers.Broker.Port,
                ["PollInterval"] = "00:00:00.100",
                ["ReconnectDelayMaximum"] = "00:00:02",
                ["CommandQueueCapacity"] = 256,
                ["CommandMaximumBytes"] = 256 * 1024,
            },
            ["Api"] = new JsonObject { ["Enabled"] = true, ["Url"] = $"http://127.0.0.1:{PeerProcess.FreeTcpPort()}" },
        };
        if (deadDoor)
        {
            configuration["Doors"]!.AsArray().Add(new JsonObject
            {
                ["Name"] = DeadDoorName,
                ["Kind"] = "ModbusRtu",
                ["ModbusRtu"] = new JsonObject { ["Port"] = Path.Combine(directory, "no-such-relay-board"), ["ResponseTimeout"] = "00:00:00.200", ["Retries"] = 0 },
            });
        }
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "edgegate.json");
        await File.WriteAllTextAsync(path, configuration.ToJsonString());
        var settings = EdgeGateSettings.Load(path);
        var gate = new CardGate(peers, settings, directory);
        try
        {
            await using (var database = GatewayDatabase.Open(settings))
            {
                Assert.True((await database.Persons.AddAsync(new Person { Id = ResidentId, DisplayName = "Card Resident", Unit = "C-1" })).Succeeded);
                Assert.Equal(EdgeGate.Storage.Persons.CardWriteStatus.Applied,
                    (await database.Cards.IssueAsync(ResidentCard, ResidentId, DateTimeOffset.UtcNow.AddDays(365))).Status);
                if (seed is not null)
                {
                    await seed(database);
                }
            }
            using var limit = new CancellationTokenSource(StartTimeout);
            gate.platformClient = new SupervisedMqttClient(UplinkTestBed.ClientOptions(peers.Broker.Port, $"platform-{Guid.NewGuid():N}"[..24]));
            await gate.platformClient.ConnectAsync(limit.Token);
            gate.Platform = new PlatformSimulator(gate.platformClient, SiteId, gatewayId, new PlatformSimulatorOptions { KeepData = true });
            await gate.Platform.StartAsync(limit.Token);
            if (beforeStart is not null)
            {
                await beforeStart(gate);
            }
            gate.CoilWritesBefore = peers.CoilWrites().Count;
            gate.App = GatewayHost.Build(settings, collection =>
            {
                collection.AddSingleton<ILoggerProvider>(gate.Logs);
                services?.Invoke(collection);
            }, LogEventLevel.Error, path);
            await gate.App.StartAsync(limit.Token);
            await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(gate.Platform.GalleryRequests.Count > 0), "the gateway's gallery request (its command subscription is in place)", StartTimeout);
            return gate;
        }
        catch
        {
            await gate.DisposeAsync();
            throw;
        }
    }

    /// <summary>Coil writes the relay board has seen since this gateway started.</summary>
    public IReadOnlyList<ModbusSlaveEvent> CoilWrites() => peers.CoilWrites().Skip(CoilWritesBefore).ToList();

    /// <summary>Types <paramref name="uid"/> into the reader and returns the decision made for it.</summary>
    public async Task<DecisionMade> SwipeAsync(string uid, TimeSpan timeout)
    {
        reader ??= SerialPortStream.Open(peers.ReaderLine.PathA, 9600);
        // The reader service opens its line at start: type again until a decision shows it is listening.
        DecisionMade? made = null;
        await Eventually.RepeatUntilAsync(
            async () => await reader.WriteAsync(Encoding.ASCII.GetBytes(uid + "\r\n")),
            () => Task.FromResult((made = Feed.Recent.OfType<DecisionMade>().LastOrDefault(decision => decision.Attempt.Source == AccessAttemptSource.CardReader
                && string.Equals(decision.Decision.CardUid, uid, StringComparison.OrdinalIgnoreCase))) is not null),
            TimeSpan.FromSeconds(1),
            timeout,
            $"a decision for card {uid}",
            () => $"log: {string.Join(" / ", Logs.Lines.TakeLast(10).Select(line => line.Message))}");
        return made!;
    }

    /// <summary>Swipes the resident's card and checks it is granted and the relay pulses.</summary>
    public async Task AssertResidentCardGrantedAsync()
    {
        var coilsBefore = CoilWrites().Count;
        var made = await SwipeAsync(ResidentCard, TimeSpan.FromSeconds(20));
        Assert.Equal(AccessReason.GrantedCard, made.Decision.Reason);
        await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(CoilWrites().Count >= coilsBefore + 2), "the relay pulse for the card", TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { 1, 0 }, CoilWrites().Skip(coilsBefore).Take(2).Select(write => write.Value));
    }

    /// <summary>Log lines at Error or worse (none expected for bad input).</summary>
    public IReadOnlyList<string> ErrorLines() => Logs.Errors();

    public HttpClient CreateApiClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = ApiAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token ?? ApiToken);
        return client;
    }

    /// <summary>Stops the gateway as <c>systemctl stop</c> would (its database closed), keeping its files.</summary>
    public async Task StopGatewayAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await App.StopAsync(limit.Token);
        }
        finally
        {
            await App.DisposeAsync();
            gatewayStopped = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        reader?.Dispose();
        await GatewayTestTeardown.StopAsync(gatewayStopped ? null : App, Platform, platformClient, Directory, TimeSpan.FromSeconds(20));
    }
}
