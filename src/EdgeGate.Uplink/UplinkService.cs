using EdgeGate.Devices.Mqtt;
using EdgeGate.Uplink.Commands;
using EdgeGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Uplink;

/// <summary>What the uplink reports about itself (health endpoint, doctor, tests).</summary>
public sealed record UplinkStatus(MqttConnectionState State, string? LastError, UplinkCounters? Counters);

/// <summary>
/// The uplink loop: one MQTT connection to the platform broker and one <see cref="UplinkSession"/> on it.
/// A refusal for good (bad credentials, not authorised) stops the uplink with a clear error instead
/// of retrying; TLS failures (wrong CA) are retried with the client's capped backoff and reported in
/// <see cref="Status"/>.
/// </summary>
public sealed partial class UplinkService : BackgroundService
{
    private readonly Func<IMqttClient> clientFactory;
    private readonly EdgeGateDatabase database;
    private readonly UplinkTopics topics;
    private readonly UplinkSessionOptions options;
    private readonly PlatformCommandDispatcher dispatcher;
    private readonly TimeProvider timeProvider;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger<UplinkService> logger;
    private IMqttClient? client;
    private UplinkSession? session;
    private string? fatalError;

    public UplinkService(
        Func<IMqttClient> clientFactory,
        EdgeGateDatabase database,
        UplinkTopics topics,
        UplinkSessionOptions options,
        PlatformCommandDispatcher dispatcher,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        this.clientFactory = clientFactory;
        this.database = database;
        this.topics = topics;
        this.options = options;
        this.dispatcher = dispatcher;
        this.timeProvider = timeProvider;
        this.loggerFactory = loggerFactory;
        logger = loggerFactory.CreateLogger<UplinkService>();
    }

    public UplinkStatus Status => client is { } current
        ? new UplinkStatus(current.State, fatalError ?? current.LastError, session?.Counters)
        : new UplinkStatus(MqttConnectionState.Disconnected, fatalError, null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var mqtt = clientFactory();
        client = mqtt;
        mqtt.ConnectionStateChanged += OnStateChanged;
        session = new UplinkSession(mqtt, database, topics, options, dispatcher, timeProvider, loggerFactory.CreateLogger<UplinkSession>());
        var running = session.RunAsync(stoppingToken);
        try
        {
            await mqtt.ConnectAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (MqttException exception) when (mqtt.State == MqttConnectionState.Faulted)
        {
            fatalError = exception.Message;
            LogRefused(logger, exception.Message);
        }
        catch (MqttException exception)
        {
            LogNotYetConnected(logger, exception.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await running.ConfigureAwait(false);
        mqtt.ConnectionStateChanged -= OnStateChanged;
    }

    private void OnStateChanged(object? sender, MqttConnectionStateChangedEventArgs change)
    {
        if (change.State == MqttConnectionState.Faulted)
        {
            fatalError = change.Reason;
            LogRefused(logger, change.Reason ?? "refused by the broker");
        }
        else if (change.State == MqttConnectionState.Reconnecting)
        {
            LogLost(logger, change.Reason ?? "connection lost");
        }
    }

    [LoggerMessage(EventId = 8020, Level = LogLevel.Critical, Message = "The platform broker refused this gateway for good ({Reason}): check Uplink:Username, the uplink-password credential and the client certificate. The uplink stopped retrying; events stay in the journal.")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 8021, Level = LogLevel.Warning, Message = "Uplink not connected yet ({Reason}); retrying with backoff, events stay in the journal")]
    private static partial void LogNotYetConnected(ILogger logger, string reason);

    [LoggerMessage(EventId = 8022, Level = LogLevel.Warning, Message = "Uplink connection lost ({Reason}); reconnecting with backoff")]
    private static partial void LogLost(ILogger logger, string reason);
}
