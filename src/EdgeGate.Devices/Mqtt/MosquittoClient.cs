using System.Threading.Channels;
using EdgeGate.Core.Messaging;
using EdgeGate.Devices.Interop.Mosquitto;
using EdgeGate.Core;

namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// <see cref="IMqttClient"/> over libmosquitto (MQTT 3.1.1, TCP_NODELAY, optional TLS). One
/// supervisor task owns the native client: it creates it (network thread started before connecting),
/// lets the library reconnect after a lost connection (capped backoff), recreates it when the network
/// thread ended by itself (TLS and protocol errors end it silently) or made no progress for
/// <see cref="MqttClientOptions.StallTimeout"/>, and stops for good on a permanent CONNACK refusal
/// (bad credentials, not authorised) with state <see cref="MqttConnectionState.Faulted"/>. Native
/// callbacks only copy data, complete waiting operations and post events; they never block or
/// dispose. Publishes waiting for an acknowledgement fail when the connection is lost. A faulted
/// client stays faulted (ConnectAsync rethrows the reason) until DisconnectAsync and a new
/// ConnectAsync, e.g. after the credentials were fixed. Received messages queue without bound until
/// read: the owner must keep reading <see cref="Messages"/>.
/// </summary>
public sealed class MosquittoClient : IMqttClient
{
    private readonly MqttClientOptions options;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private readonly Dictionary<string, MqttQualityOfService> subscriptions = new(StringComparer.Ordinal);
    private readonly Channel<MqttApplicationMessage> messages =
        Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    // Guarded by gate.
    private Connection? current;
    private TaskCompletionSource connectedSignal = NewSignal();
    private MqttConnectionState state = MqttConnectionState.Disconnected;
    private Task eventChain = Task.CompletedTask;
    private Channel<SupervisorEvent>? supervisorEvents;
    private Task? supervisorTask;
    private CancellationTokenSource? supervisorStop;
    private ITimer? watchdog;
    private bool disposed;

    private volatile string? lastError;

    // Touched by the supervisor task only.
    private int failedAttempts;
    private bool everConnected;
    private DateTimeOffset? nextAttemptAt;
    private DateTimeOffset lastProgressAt;

    public MosquittoClient(MqttClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The libmosquitto version loaded in this process.</summary>
    public static Version NativeLibraryVersion
    {
        get
        {
            MosquittoLibrary.EnsureInitialized();
            return MosquittoLibrary.GetVersion();
        }
    }

    public MqttConnectionState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }
    }

    public bool IsConnected => State == MqttConnectionState.Connected;

    public string? LastError => lastError;

    public event EventHandler<MqttConnectionStateChangedEventArgs>? ConnectionStateChanged;

    public ChannelReader<MqttApplicationMessage> Messages => messages.Reader;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (supervisorTask is null)
            {
                StartSupervisor();
            }
            signal = connectedSignal.Task;
        }
        try
        {
            await signal.WaitAsync(options.ConnectTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new MqttException(
                $"not connected to {options.Host}:{options.Port} within {options.ConnectTimeout.TotalSeconds:0.#} s: " +
                $"{lastError ?? "no answer from the broker"} (still retrying)");
        }
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        Task? task;
        CancellationTokenSource? stop;
        ITimer? timer;
        lock (gate)
        {
            task = supervisorTask;
            stop = supervisorStop;
            timer = watchdog;
            supervisorTask = null;
            supervisorStop = null;
            watchdog = null;
            supervisorEvents = null;
        }
        if (task is null || stop is null)
        {
            return;
        }
        timer?.Dispose();
        await stop.CancelAsync().ConfigureAwait(false);
        await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        stop.Dispose();
        lock (gate)
        {
            connectedSignal.TrySetException(new MqttException("the client was disconnected"));
            connectedSignal = NewSignal();
        }
        SetState(MqttConnectionState.Disconnected, "disconnected by the application");
    }

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qualityOfService, bool retain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        RequireSupported(qualityOfService);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Connection connection;
        int messageId;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            connection = current is { Connected: true } connected
                ? connected
                : throw new MqttException($"not connected: {lastError ?? State.ToString()}", (int)MosquittoError.NoConnection);
            var result = connection.Session.Publish(topic, payload.Span, (int)qualityOfService, retain, out messageId);
            if (result != (int)MosquittoError.Success)
            {
                throw MosquittoLibrary.CreateException(result, $"publish to '{topic}'");
            }
            connection.Publishes[messageId] = completion;
        }
        try
        {
            await completion.Task.WaitAsync(options.OperationTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new MqttException($"publish to '{topic}' not acknowledged within {options.OperationTimeout.TotalSeconds:0.#} s");
        }
        finally
        {
            lock (gate)
            {
                if (connection.Publishes.TryGetValue(messageId, out var pending) && pending == completion)
                {
                    connection.Publishes.Remove(messageId);
                }
            }
        }
    }

    public async Task SubscribeAsync(string topicFilter, MqttQualityOfService qualityOfService, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        RequireSupported(qualityOfService);
        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Connection connection;
        int messageId;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            subscriptions[topicFilter] = qualityOfService;
            if (current is not { Connected: true } connected)
            {
                return;
            }
            connection = connected;
            var result = connection.Session.Subscribe(topicFilter, (int)qualityOfService, out messageId);
            if (result == (int)MosquittoError.NoConnection)
            {
                return;
            }
            if (result != (int)MosquittoError.Success)
            {
                subscriptions.Remove(topicFilter);
                throw MosquittoLibrary.CreateException(result, $"subscribe to '{topicFilter}'");
            }
            connection.Subscribes[messageId] = completion;
        }
        int granted;
        try
        {
            granted = await completion.Task.WaitAsync(options.OperationTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new MqttException($"subscribe to '{topicFilter}' not acknowledged within {options.OperationTimeout.TotalSeconds:0.#} s");
        }
        finally
        {
            lock (gate)
            {
                connection.Subscribes.Remove(messageId);
            }
        }
        if (granted is < 0 or > 2)
        {
            lock (gate)
            {
                subscriptions.Remove(topicFilter);
            }
            throw new MqttException($"the broker refused the subscription to '{topicFilter}' (granted QoS {granted})");
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }
        }
        await DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        lock (gate)
        {
            disposed = true;
        }
        messages.Writer.TryComplete();
    }

    private const string NativeMethodsLibraryName = "libmosquitto.so.1, Debian package libmosquitto1";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void RequireSupported(MqttQualityOfService qualityOfService)
    {
        if (qualityOfService is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
        {
            throw new ArgumentOutOfRangeException(nameof(qualityOfService), qualityOfService, "QoS 0 or 1");
        }
    }

    /// <summary>CONNACK return codes after which retrying cannot help (MQTT 3.1.1: 1 protocol, 2 client id, 4 credentials, 5 not authorised).</summary>
    private static bool IsPermanentRefusal(int connackCode) => connackCode is 1 or 2 or 4 or 5;

    private void StartSupervisor()
    {
        var events = Channel.CreateUnbounded<SupervisorEvent>(new UnboundedChannelOptions { SingleReader = true });
        var stop = new CancellationTokenSource();
        supervisorEvents = events;
        supervisorStop = stop;
        if (connectedSignal.Task.IsCompleted)
        {
            connectedSignal = NewSignal();
        }
        lastError = null;
        watchdog = timeProvider.CreateTimer(_ => events.Writer.TryWrite(SupervisorEvent.Tick), null, options.WatchdogInterval, options.WatchdogInterval);
        SetStateLocked(MqttConnectionState.Connecting, null);
        supervisorTask = Task.Run(() => SuperviseAsync(events, stop.Token));
    }

    private void Post(SupervisorEvent supervisorEvent)
    {
        Channel<SupervisorEvent>? events;
        lock (gate)
        {
            events = supervisorEvents;
        }
        events?.Writer.TryWrite(supervisorEvent);
    }

    private async Task SuperviseAsync(Channel<SupervisorEvent> events, CancellationToken stop)
    {
        failedAttempts = 0;
        everConnected = false;
        nextAttemptAt = null;
        try
        {
            await StartConnectionAsync().ConfigureAwait(false);
            await foreach (var supervisorEvent in events.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await HandleAsync(supervisorEvent).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    lastError = $"supervisor: {exception.Message}";
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // DisconnectAsync.
        }
        finally
        {
            var connection = DetachCurrent();
            if (connection is not null)
            {
                await StopConnectionAsync(connection, "the client was disconnected").ConfigureAwait(false);
            }
        }
    }

    private async Task HandleAsync(SupervisorEvent supervisorEvent)
    {
        if (supervisorEvent == SupervisorEvent.Tick)
        {
            await OnWatchdogAsync().ConfigureAwait(false);
            return;
        }
        lock (gate)
        {
            if (supervisorEvent.Connection != current)
            {
                return; // from a native client already replaced
            }
        }
        var now = timeProvider.GetUtcNow();
        switch (supervisorEvent.Kind)
        {
            case SupervisorEventKind.Connected:
                failedAttempts = 0;
                nextAttemptAt = null;
                everConnected = true;
                lastError = null;
                lock (gate)
                {
                    SetStateLocked(MqttConnectionState.Connected, null);
                    connectedSignal.TrySetResult();
                }
                break;
            case SupervisorEventKind.Refused when IsPermanentRefusal(supervisorEvent.Code):
                DetachCurrent();
                await StopConnectionAsync(supervisorEvent.Connection!, supervisorEvent.Reason).ConfigureAwait(false);
                Fault($"the broker refused the connection: {supervisorEvent.Reason}", supervisorEvent.Code);
                break;
            case SupervisorEventKind.Refused:
            case SupervisorEventKind.Lost:
                // The library reconnects by itself (capped backoff); if its thread ended instead, the watchdog sees it.
                lastProgressAt = now;
                MarkNotConnected(supervisorEvent.Reason);
                break;
        }
    }

    private async Task OnWatchdogAsync()
    {
        Connection? connection;
        MqttConnectionState currentState;
        lock (gate)
        {
            connection = current;
            currentState = state;
        }
        if (currentState == MqttConnectionState.Faulted)
        {
            return;
        }
        var now = timeProvider.GetUtcNow();
        if (connection is null)
        {
            if (nextAttemptAt is { } at && now >= at)
            {
                nextAttemptAt = null;
                await StartConnectionAsync().ConfigureAwait(false);
            }
            return;
        }
        if (connection.Session.IsNetworkThreadAlive == false)
        {
            // TLS failures (and some protocol errors) end libmosquitto's network thread without a callback.
            var reason = $"connection failed: {connection.LastLibraryError ?? lastError ?? "the network thread ended without an error"}";
            DetachCurrent();
            await StopConnectionAsync(connection, reason).ConfigureAwait(false);
            ScheduleRetry(reason);
            return;
        }
        if (currentState != MqttConnectionState.Connected && now - lastProgressAt >= options.StallTimeout)
        {
            var reason = $"no connection progress for {options.StallTimeout.TotalSeconds:0} s ({lastError ?? "no error reported"}); native client recreated";
            DetachCurrent();
            await StopConnectionAsync(connection, reason).ConfigureAwait(false);
            ScheduleRetry(reason);
        }
    }

    private async Task StartConnectionAsync()
    {
        var connection = new Connection(this);
        try
        {
            connection.Session = CreateSession(connection);
        }
        catch (MqttException exception)
        {
            Fault(exception.Message, exception.NativeErrorCode ?? 0);
            return;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            Fault($"libmosquitto could not be loaded ({NativeMethodsLibraryName}): {exception.Message}", 0);
            return;
        }
        lock (gate)
        {
            current = connection;
        }
        lastProgressAt = timeProvider.GetUtcNow();
        string failure;
        try
        {
            // The network thread first: connect_async before loop_start may never connect.
            connection.Session.StartLoop();
            var result = connection.Session.BeginConnect(options.Host, options.Port, (int)options.KeepAlive.TotalSeconds, out var errorText);
            if (result == (int)MosquittoError.Success)
            {
                return;
            }
            failure = $"connect to {options.Host}:{options.Port} failed: {errorText}" +
                (connection.LastLibraryError is { } detail ? $" ({detail})" : string.Empty);
        }
        catch (MqttException exception)
        {
            failure = exception.Message;
        }
        DetachCurrent();
        await StopConnectionAsync(connection, failure).ConfigureAwait(false);
        ScheduleRetry(failure);
    }

    private MosquittoSession CreateSession(Connection connection)
    {
        foreach (var (path, name) in new[] { (options.CaCertificatePath, "CA certificate"), (options.ClientCertificatePath, "client certificate"), (options.ClientKeyPath, "client key") })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new MqttException($"{name} file not found: {path}");
            }
        }
        var session = MosquittoSession.Create(options.ClientId, options.CleanSession, connection);
        try
        {
            session.SetOption(MosquittoOption.ProtocolVersion, MqttProtocolLevel.Version311);
            session.SetOption(MosquittoOption.TcpNoDelay, 1);
            session.SetReconnectDelay(options.ReconnectDelayInitial, options.ReconnectDelayMaximum);
            if (options.Username is not null)
            {
                session.SetCredentials(options.Username, options.Password);
            }
            if (options.CaCertificatePath is not null)
            {
                session.ConfigureTls(options.CaCertificatePath, options.ClientCertificatePath, options.ClientKeyPath);
            }
            if (options.WillTopic is not null)
            {
                session.SetWill(options.WillTopic, options.WillPayload.Span, (int)options.WillQualityOfService, options.WillRetain);
            }
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private Connection? DetachCurrent()
    {
        lock (gate)
        {
            var connection = current;
            current = null;
            return connection;
        }
    }

    /// <summary>Fails what waits on the connection, ends its network thread, destroys it (or abandons it when the thread will not stop).</summary>
    private async Task StopConnectionAsync(Connection connection, string reason)
    {
        connection.Close(reason);
        try
        {
            connection.Session.RequestDisconnect();
            // Joining libmosquitto's network thread blocks: on its own thread, not one the pool needs for timers.
            var stopping = Task.Factory.StartNew(connection.Session.StopLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await stopping.WaitAsync(options.StopTimeout, timeProvider).ConfigureAwait(false);
            connection.Session.Dispose();
        }
        catch (TimeoutException)
        {
            lastError = $"{reason}; the network thread did not stop within {options.StopTimeout.TotalSeconds:0} s and the native client was abandoned";
        }
        catch (MqttException exception)
        {
            // loop_stop refused: no network thread is attached, so destroying cannot cancel one.
            lastError = $"{reason}; {exception.Message}";
            connection.Session.Dispose();
        }
    }

    private void ScheduleRetry(string reason)
    {
        var delay = RetryDelay.Doubling(options.ReconnectDelayInitial, options.ReconnectDelayMaximum, failedAttempts + 1);
        failedAttempts++;
        nextAttemptAt = timeProvider.GetUtcNow() + delay;
        MarkNotConnected(reason);
    }

    private void MarkNotConnected(string reason)
    {
        lastError = reason;
        lock (gate)
        {
            if (connectedSignal.Task.IsCompleted)
            {
                connectedSignal = NewSignal();
            }
            SetStateLocked(everConnected ? MqttConnectionState.Reconnecting : MqttConnectionState.Connecting, reason);
        }
    }

    private void Fault(string reason, int nativeErrorCode)
    {
        lastError = reason;
        nextAttemptAt = null;
        lock (gate)
        {
            if (connectedSignal.Task.IsCompleted)
            {
                connectedSignal = NewSignal();
            }
            connectedSignal.TrySetException(new MqttException(reason, nativeErrorCode));
            SetStateLocked(MqttConnectionState.Faulted, reason);
        }
    }

    private void SetState(MqttConnectionState newState, string? reason)
    {
        lock (gate)
        {
            SetStateLocked(newState, reason);
        }
    }

    private void SetStateLocked(MqttConnectionState newState, string? reason)
    {
        if (state == newState)
        {
            return;
        }
        var arguments = new MqttConnectionStateChangedEventArgs(state, newState, reason);
        state = newState;
        // Raised off the supervisor and native threads, one after the other.
        eventChain = eventChain.ContinueWith(_ => RaiseStateChanged(arguments), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void RaiseStateChanged(MqttConnectionStateChangedEventArgs arguments)
    {
        try
        {
            ConnectionStateChanged?.Invoke(this, arguments);
        }
        catch (Exception exception)
        {
            // A subscriber's failure must not stop the client or the following events.
            lastError ??= $"ConnectionStateChanged handler failed: {exception.Message}";
        }
    }

    private enum SupervisorEventKind
    {
        Tick,
        Connected,
        Refused,
        Lost,
    }

    private sealed record SupervisorEvent(SupervisorEventKind Kind, Connection? Connection, int Code, string Reason)
    {
        public static readonly SupervisorEvent Tick = new(SupervisorEventKind.Tick, null, 0, string.Empty);
    }

    /// <summary>One native client's life: its pending operations and its callbacks (run on its network thread).</summary>
    private sealed class Connection(MosquittoClient owner) : IMosquittoSessionListener
    {
        private volatile string? lastLibraryError;

        /// <summary>The last error the library logged on this connection (e.g. the OpenSSL reason).</summary>
        public string? LastLibraryError => lastLibraryError;

        public MosquittoSession Session { get; set; } = null!;

        /// <summary>CONNACK accepted and not lost since. Guarded by the owner's gate.</summary>
        public bool Connected { get; private set; }

        /// <summary>Being stopped on purpose: no more events. Guarded by the owner's gate.</summary>
        public bool Closing { get; private set; }

        public Dictionary<int, TaskCompletionSource> Publishes { get; } = [];

        public Dictionary<int, TaskCompletionSource<int>> Subscribes { get; } = [];

        public void Close(string reason)
        {
            lock (owner.gate)
            {
                Closing = true;
                Connected = false;
                FailPendingLocked(reason, (int)MosquittoError.NoConnection);
            }
        }

        public void OnConnect(MosquittoSession session, int connackCode)
        {
            if (connackCode == 0)
            {
                lock (owner.gate)
                {
                    if (Closing)
                    {
                        return;
                    }
                    Connected = true;
                    // Renew every subscription (a clean session starts with none); SUBACKs of these are not awaited.
                    foreach (var (filter, qualityOfService) in owner.subscriptions)
                    {
                        session.Subscribe(filter, (int)qualityOfService, out _);
                    }
                }
                lastLibraryError = null;
                owner.Post(new SupervisorEvent(SupervisorEventKind.Connected, this, 0, string.Empty));
                return;
            }
            var reason = $"{MosquittoLibrary.ConnackText(connackCode)} (CONNACK {connackCode})";
            if (IsPermanentRefusal(connackCode))
            {
                lock (owner.gate)
                {
                    Closing = true;
                }
                // Ends the library's retries right here; the supervisor joins and destroys.
                session.RequestDisconnect();
            }
            owner.Post(new SupervisorEvent(SupervisorEventKind.Refused, this, connackCode, reason));
        }

        public void OnDisconnect(MosquittoSession session, int errorCode)
        {
            var reason = errorCode == 0 ? "disconnected" : Describe(errorCode);
            bool report;
            lock (owner.gate)
            {
                Connected = false;
                report = !Closing;
                FailPendingLocked($"connection lost: {reason}", errorCode);
            }
            if (report)
            {
                owner.Post(new SupervisorEvent(SupervisorEventKind.Lost, this, errorCode, reason));
            }
        }

        public void OnPublish(MosquittoSession session, int messageId)
        {
            TaskCompletionSource? completion;
            lock (owner.gate)
            {
                Publishes.Remove(messageId, out completion);
            }
            completion?.TrySetResult();
        }

        public void OnSubscribe(MosquittoSession session, int messageId, int[] grantedQualities)
        {
            TaskCompletionSource<int>? completion;
            lock (owner.gate)
            {
                Subscribes.Remove(messageId, out completion);
            }
            completion?.TrySetResult(grantedQualities.Length > 0 ? grantedQualities[0] : 0x80);
        }

        public void OnMessage(MosquittoSession session, string topic, byte[] payload, int qualityOfService, bool retain)
            => owner.messages.Writer.TryWrite(new MqttApplicationMessage(topic, payload, (MqttQualityOfService)Math.Min(qualityOfService, 1), retain));

        public void OnLog(MosquittoSession session, int level, string text)
        {
            if ((level & MosquittoLogLevel.Error) != 0)
            {
                lastLibraryError = text;
            }
        }

        public void OnCallbackFailure(MosquittoSession session, Exception exception)
            => owner.lastError = $"libmosquitto callback failed: {exception.GetType().Name}: {exception.Message}";

        private string Describe(int errorCode)
        {
            var text = errorCode == (int)MosquittoError.Errno
                ? NetworkErrorText(MosquittoLibrary.ErrorText(errorCode))
                : MosquittoLibrary.ErrorText(errorCode);
            var detail = lastLibraryError;
            return detail is null ? text : $"{text}: {detail}";
        }

        /// <summary>errno is often reset by the time the callback runs, and strerror(0) reads "Success".</summary>
        private static string NetworkErrorText(string systemText) =>
            systemText is "Success" or ""
                ? "network error (connection refused, reset or closed by the broker)"
                : $"network error ({systemText})";

        private void FailPendingLocked(string reason, int errorCode)
        {
            foreach (var completion in Publishes.Values)
            {
                completion.TrySetException(new MqttException($"publish not acknowledged, {reason}", errorCode));
            }
            Publishes.Clear();
            foreach (var completion in Subscribes.Values)
            {
                completion.TrySetException(new MqttException($"subscribe not acknowledged, {reason}", errorCode));
            }
            Subscribes.Clear();
        }
    }
}
