using EdgeGate.Devices.Mqtt;
using EdgeGate.Devices.Mqtt.Locks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using EdgeGate.Core;

namespace EdgeGate.Access;

/// <summary>
/// The lock broker loop: subscribes the state topics of every MQTT lock in <see cref="DoorDrivers"/>
/// (the client renews them on every connection), connects the shared <see cref="LockBrokerConnection"/>
/// and feeds the locks their state messages (a jammed lock is journaled as an alert by the
/// <see cref="DeviceAlertService"/>). The client reconnects by itself with capped backoff
/// after a lost connection; a broker that refuses the gateway (credentials, authorisation) is tried
/// again after a growing, jittered delay (<see cref="RefusedPacing"/>). While the broker is down one
/// warning says so and door commands end with a transport error naming it; nothing here stops the
/// gateway.
/// </summary>
public sealed partial class LockBrokerService(
    LockBrokerConnection connection,
    DoorDrivers drivers,
    TimeProvider timeProvider,
    ILogger<LockBrokerService> logger,
    DeviceAlertService? alerts = null) : BackgroundService
{
    /// <summary>How long the first connection is awaited before the broker is reported not reachable (the client keeps trying).</summary>
    public static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(5);

    /// <summary>Cap of the delay before trying again after the broker refused the gateway.</summary>
    public static readonly TimeSpan RefusedRetryMaximum = TimeSpan.FromMinutes(5);

    private readonly TaskCompletionSource subscribed = NewSignal();
    private TaskCompletionSource stateChanged = NewSignal();

    /// <summary>
    /// Completes once every lock's state topics are subscribed: made on the broker when the client was
    /// already connected, else recorded for the connection (made before the client reports Connected).
    /// </summary>
    public Task Subscribed => subscribed.Task;

    /// <summary>
    /// The delays before the next attempt after refusals in a row: 5 s, doubling, capped at
    /// <see cref="RefusedRetryMaximum"/>, each jittered to between half and all of it so that gateways
    /// refused together (the broker's authentication down) do not come back in step.
    /// </summary>
    public static readonly RetryPacing RefusedPacing = RetryPacing.Doubling(TimeSpan.FromSeconds(5), RefusedRetryMaximum);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = connection.Client;
        var locks = drivers.MqttLocks;
        client.ConnectionStateChanged += OnConnectionStateChanged;
        foreach (var (door, mqttLock) in locks)
        {
            mqttLock.StateChanged += (_, change) => OnLockStateChanged(door, change);
        }
        var feed = Task.CompletedTask;
        try
        {
            foreach (var mqttLock in locks.Values)
            {
                // Not connected yet: the client records the subscription and makes it on every connection.
                await mqttLock.SubscribeAsync(stoppingToken).ConfigureAwait(false);
            }
            subscribed.TrySetResult();
            feed = FeedAsync([.. locks.Values], stoppingToken);
            await KeepConnectedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the door services stopped first, so no lock command is on its way.
        }
        finally
        {
            // Stopped or failed before the subscriptions were made: whoever waits for them learns it.
            subscribed.TrySetCanceled(CancellationToken.None);
            client.ConnectionStateChanged -= OnConnectionStateChanged;
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10), timeProvider);
            try
            {
                await client.DisconnectAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The container disposes the client anyway.
            }
            try
            {
                await feed.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task KeepConnectedAsync(CancellationToken stoppingToken)
    {
        var client = connection.Client;
        var refusals = 0;
        await ConnectAsync(stoppingToken).ConfigureAwait(false);
        while (true)
        {
            // Read the signal before the state: a change in between completes it.
            var changed = Volatile.Read(ref stateChanged).Task;
            var state = client.State;
            if (state == MqttConnectionState.Connected)
            {
                refusals = 0;
            }
            else if (state == MqttConnectionState.Faulted)
            {
                refusals++;
                var delay = RefusedPacing.Delay(refusals, TimeSpan.Zero, Random.Shared.NextDouble());
                LogRefused(logger, connection.Address, client.LastError ?? "refused", delay.TotalSeconds);
                await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(false);
                // A faulted client stays faulted until disconnected and started again.
                await client.DisconnectAsync(stoppingToken).ConfigureAwait(false);
                await ConnectAsync(stoppingToken).ConfigureAwait(false);
                continue;
            }
            await changed.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the client and waits a little for the first connection, saying so when it does not come.</summary>
    private async Task ConnectAsync(CancellationToken stoppingToken)
    {
        var client = connection.Client;
        using var timeout = new CancellationTokenSource(ConnectWait, timeProvider);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            await client.ConnectAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            LogUnreachable(logger, connection.Address, client.LastError ?? "no answer from the broker");
        }
        catch (MqttException exception) when (client.State != MqttConnectionState.Faulted)
        {
            LogUnreachable(logger, connection.Address, exception.Message);
        }
        catch (MqttException)
        {
            // Refused for good: the caller's loop logs it and tries again later.
        }
    }

    /// <summary>Feeds the locks; a failure on one message is logged and the feed goes on (a dead feed would leave every lock unconfirmed).</summary>
    private async Task FeedAsync(IReadOnlyList<MqttLockDoor> locks, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await MqttLockStateFeed.RunAsync(connection.Client, locks, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFeedFailed(logger, exception, connection.Address);
            }
        }
    }

    private void OnConnectionStateChanged(object? sender, MqttConnectionStateChangedEventArgs change)
    {
        switch (change.State)
        {
            case MqttConnectionState.Connected:
                LogConnected(logger, connection.Address, drivers.MqttLocks.Count);
                break;
            case MqttConnectionState.Reconnecting when change.PreviousState == MqttConnectionState.Connected:
                LogLost(logger, connection.Address, change.Reason ?? "connection lost");
                break;
        }
        Interlocked.Exchange(ref stateChanged, NewSignal()).TrySetResult();
    }

    private void OnLockStateChanged(string door, MqttLockStateChangedEventArgs change)
    {
        alerts?.OnLockStateChanged(door, change);
        if (change.State == MqttLockState.Jammed)
        {
            LogJammed(logger, door, change.RawPayload);
        }
        else
        {
            LogLockState(logger, door, change.State);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Lock broker {Broker} connected; state of {Locks} MQTT lock(s) followed")]
    private static partial void LogConnected(ILogger logger, string broker, int locks);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Lock broker {Broker} not reachable ({Reason}); MQTT lock doors fail until it is back, retrying")]
    private static partial void LogUnreachable(ILogger logger, string broker, string reason);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Warning, Message = "Lock broker {Broker} connection lost ({Reason}); MQTT lock doors fail until it is back, reconnecting")]
    private static partial void LogLost(ILogger logger, string broker, string reason);

    [LoggerMessage(EventId = 3604, Level = LogLevel.Critical, Message = "Lock broker {Broker} refused the gateway ({Reason}): check LockBroker:Username, the lock-broker-password credential and the client certificate; MQTT lock doors fail, trying again in {Seconds:0} s")]
    private static partial void LogRefused(ILogger logger, string broker, string reason, double seconds);

    [LoggerMessage(EventId = 3605, Level = LogLevel.Error, Message = "Lock broker {Broker}: a lock state message could not be handled; the feed goes on")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, string broker);

    [LoggerMessage(EventId = 3606, Level = LogLevel.Error, Message = "Door {Door}: the lock reports JAMMED ({Payload})")]
    private static partial void LogJammed(ILogger logger, string door, string payload);

    [LoggerMessage(EventId = 3607, Level = LogLevel.Debug, Message = "Door {Door}: the lock reports {State}")]
    private static partial void LogLockState(ILogger logger, string door, MqttLockState state);
}
