using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Doors;
using EdgeGate.Configuration;
using EdgeGate.Access;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>
/// The decision stage as the gateway runs it: a configuration file in a temp folder, loaded and
/// validated by <see cref="EdgeGateSettings.Load"/>, a real SQLite database there,
/// <see cref="AccessControlRegistration.AddAccessControl"/> and its hosted services started.
/// Every door driver is wrapped so a test sees the journal at the moment a door is driven.
/// </summary>
internal sealed class AccessTestHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;
    private readonly List<IHostedService> started = [];
    private bool stopped;

    private readonly Action<IServiceCollection>? register;
    private readonly bool reloadable;

    private AccessTestHost(string directory, EdgeGateSettings settings, ServiceProvider provider, Action<IServiceCollection>? register, bool reloadable)
    {
        Directory = directory;
        Settings = settings;
        this.provider = provider;
        this.register = register;
        this.reloadable = reloadable;
    }

    public string Directory { get; }

    public EdgeGateSettings Settings { get; }

    public EdgeGateDatabase Database => provider.GetRequiredService<EdgeGateDatabase>();

    public AccessAttemptQueue Attempts => provider.GetRequiredService<AccessAttemptQueue>();

    public DecisionFeed Feed => provider.GetRequiredService<DecisionFeed>();

    public DecisionService Decisions => provider.GetRequiredService<DecisionService>();

    public DoorServices Doors => provider.GetRequiredService<DoorServices>();

    public IReadOnlyList<CardReaderService> Readers => started.OfType<CardReaderService>().ToList();

    public IReadOnlyList<DoorInputService> DoorInputs => started.OfType<DoorInputService>().ToList();

    public T GetRequiredService<T>()
        where T : notnull => provider.GetRequiredService<T>();

    /// <summary>Each time a door driver was asked to pulse: the door and the journal rows committed at that moment.</summary>
    public List<(string Door, IReadOnlyList<JournalEntry> JournalAtThatMoment)> DriverCalls { get; } = [];

    /// <summary>Writes <paramref name="configure"/>'s configuration and starts the services (set <paramref name="startServices"/> false to drive them by hand).</summary>
    /// <param name="reloadable">Registers the configuration reloader over the file, as <c>edgegate run</c> does.</param>
    public static async Task<AccessTestHost> StartAsync(Action<JsonObject> configure, bool startServices = true, Action<IServiceCollection>? register = null, bool reloadable = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"edgegate-access-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var configuration = new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["SiteId"] = "test-site",
                ["GatewayId"] = "test-gate",
                ["DataDirectory"] = Path.Combine(directory, "data"),
                ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
                ["LogDirectory"] = "",
                ["TimeZone"] = "Europe/Berlin",
            },
            ["Uplink"] = new JsonObject { ["Enabled"] = false },
            ["Api"] = new JsonObject { ["Enabled"] = false },
            ["Policy"] = new JsonObject { ["Cooldown"] = "00:00:10", ["Passback"] = "Off" },
        };
        configure(configuration);
        var path = Path.Combine(directory, "edgegate.json");
        await File.WriteAllTextAsync(path, configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return await StartInAsync(directory, startServices, register, reloadable);
    }

    /// <summary>
    /// A restart: stops this host's services and closes its database (keeping the folder), then starts
    /// a new host on the same configuration file and database, as <c>systemctl restart</c> would.
    /// </summary>
    public async Task<AccessTestHost> RestartAsync()
    {
        await StopAsync();
        return await StartInAsync(Directory, startServices: true, register, reloadable);
    }

    private static async Task<AccessTestHost> StartInAsync(string directory, bool startServices, Action<IServiceCollection>? register, bool reloadable)
    {
        var path = ConfigurationPath(directory);
        var settings = EdgeGateSettings.Load(path);

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug));
        services.AddGatewayDatabase(settings);
        services.AddAccessControl(settings);
        if (reloadable)
        {
            services.AddConfigurationReload(path, settings);
        }
        register?.Invoke(services);
        AccessTestHost? host = null;
        services.AddSingleton(provider => new DoorDrivers(
            settings.Doors, provider.GetRequiredService<TimeProvider>(), null, provider.GetService<LockBrokerConnection>(),
            (door, driver) => new ObservedDoorDriver(driver, () => host!.ObserveAsync(door))));
        var built = services.BuildServiceProvider();
        host = new AccessTestHost(directory, settings, built, register, reloadable);
        if (startServices)
        {
            foreach (var service in built.GetServices<IHostedService>())
            {
                await service.StartAsync(CancellationToken.None);
                host.started.Add(service);
            }
        }
        return host;
    }

    public static string ConfigurationPath(string directory) => Path.Combine(directory, "edgegate.json");

    /// <summary>All journal rows, oldest first.</summary>
    public Task<IReadOnlyList<JournalEntry>> JournalAsync() => Database.Journal.ReadFromAsync(0, 1000);

    /// <summary>Waits until the feed has shown an item matching <paramref name="match"/>.</summary>
    public async Task<T> WaitForFeedAsync<T>(Func<T, bool> match, TimeSpan timeout)
        where T : DecisionFeedItem
    {
        using var subscription = Feed.Subscribe();
        if (Feed.Recent.OfType<T>().FirstOrDefault(match) is { } already)
        {
            return already;
        }
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var item in subscription.Reader.ReadAllAsync(limit.Token))
            {
                if (item is T typed && match(typed))
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"no {typeof(T).Name} as expected within {timeout}; feed: {string.Join("; ", Feed.Recent)}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }
        stopped = true;
        foreach (var service in started)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await service.StopAsync(limit.Token);
        }
        await provider.DisposeAsync();
    }

    private async Task ObserveAsync(string door)
    {
        var journal = await Database.Journal.ReadFromAsync(0, 1000);
        lock (DriverCalls)
        {
            DriverCalls.Add((door, journal));
        }
    }

    /// <summary>A door driver that reports each pulse before passing it on.</summary>
    private sealed class ObservedDoorDriver(IDoorDriver inner, Func<Task> beforePulse) : IDoorDriver
    {
        public DoorDriverCapabilities Capabilities => inner.Capabilities;

        public async Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken)
        {
            await beforePulse();
            return await inner.PulseAsync(duration, cancellationToken);
        }

        public async Task<DoorCommandOutcome> PulseAsync(ReleaseWindow window, CancellationToken cancellationToken)
        {
            await beforePulse();
            return await inner.PulseAsync(window, cancellationToken);
        }

        public Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken) => inner.SetAsync(released, cancellationToken);

        public Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken) => inner.ReadInputsAsync(cancellationToken);

        public Task<DoorCommandOutcome> CheckAsync(CancellationToken cancellationToken) => inner.CheckAsync(cancellationToken);
    }
}
