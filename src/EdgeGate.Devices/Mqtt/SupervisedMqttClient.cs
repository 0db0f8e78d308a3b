using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Net = MQTTnet;

namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// <see cref="IMqttClient"/> on MQTTnet: MQTT 3.1.1 over TCP with no-delay (Nagle and delayed ACKs cost
/// ~88 ms per command round trip otherwise), optionally TLS with a CA file and a client certificate.
/// MQTTnet 5 connects once and has no managed client, so one supervisor task per started client keeps
/// the connection: it makes a fresh MQTTnet client for every attempt, waits <see cref="MqttClientOptions.Reconnect"/>
/// between attempts (quick at first, jittered), renews the subscriptions the broker kept no session for,
/// and stops for good with state <see cref="MqttConnectionState.Faulted"/> when the broker refuses the
/// client for a reason retrying cannot cure (bad user name or password, not authorised, client id
/// rejected; MQTTnet returns these as a CONNACK result, it does not throw). A down broker costs a
/// refused TCP connect per attempt, nothing in between.
/// <para>
/// Only MQTTnet's "disconnected" events of an established connection count as a loss: MQTTnet raises one
/// for every failed attempt too, and after a broker kill -9 it says NormalDisconnection without an exception.
/// A publish waiting for its PUBACK when the connection drops fails with <see cref="MqttException"/> and is
/// not resent (the uplink's journal rewind resends it). A faulted client stays faulted (ConnectAsync rethrows
/// the reason) until DisconnectAsync and a new ConnectAsync, e.g. after the credentials were fixed.
/// Received messages queue without bound until read: the owner must keep reading <see cref="Messages"/>.
/// </para>
/// </summary>
public sealed class SupervisedMqttClient : IMqttClient
{
    /// <summary>Socket send and receive buffers (see <see cref="BuildOptions"/>).</summary>
    internal const int SocketBufferBytes = 256 * 1024;

    private static readonly Net.MqttClientFactory Factory = new();

    private readonly MqttClientOptions options;
    private readonly TimeProvider timeProvider;
    private readonly string endpoint;
    private readonly Lock gate = new();
    private readonly Dictionary<string, MqttQualityOfService> subscriptions = new(StringComparer.Ordinal);
    private readonly Channel<MqttApplicationMessage> messages = Channel.CreateUnbounded<MqttApplicationMessage>();

    // Guarded by gate.
    private readonly HashSet<string> grantedInSession = new(StringComparer.Ordinal);
    private Connection? connection;
    private MqttConnectionState state = MqttConnectionState.Disconnected;
    private TaskCompletionSource connectedSignal = NewSignal();
    private Task eventChain = Task.CompletedTask;
    private Task? supervisor;
    private CancellationTokenSource? supervisorStop;
    private bool disposed;

    private volatile string? lastError;

    public SupervisedMqttClient(MqttClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        endpoint = string.Create(CultureInfo.InvariantCulture, $"{options.Host}:{options.Port}");
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
            if (supervisor is null)
            {
                var stop = new CancellationTokenSource();
                supervisorStop = stop;
                if (connectedSignal.Task.IsCompleted)
                {
                    connectedSignal = NewSignal();
                }
                lastError = null;
                SetStateLocked(MqttConnectionState.Connecting, null);
                supervisor = Task.Run(() => SuperviseAsync(stop.Token), CancellationToken.None);
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
                $"not connected to {endpoint} within {FailureReasons.Seconds(options.ConnectTimeout)} s: " +
                $"{lastError ?? "no answer from the broker"} (still retrying)");
        }
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        Task? task;
        CancellationTokenSource? stop;
        lock (gate)
        {
            task = supervisor;
            stop = supervisorStop;
            supervisor = null;
            supervisorStop = null;
        }
        if (task is null || stop is null)
        {
            return;
        }
        await stop.CancelAsync().ConfigureAwait(false);
        await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        stop.Dispose();
        lock (gate)
        {
            connectedSignal.TrySetException(new MqttException("the client was disconnected"));
            connectedSignal = NewSignal();
            SetStateLocked(MqttConnectionState.Disconnected, "disconnected by the application");
        }
    }

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qualityOfService, bool retain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        RequireSupported(qualityOfService);
        Connection target;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            target = connection is { Ready: true } ready
                ? ready
                : throw new MqttException($"not connected: {lastError ?? state.ToString()}");
        }
        var message = new Net.MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)qualityOfService,
            Retain = retain,
        };
        using var timeout = new CancellationTokenSource(options.OperationTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var result = await target.Client.PublishAsync(message, linked.Token).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                throw new MqttException($"the broker refused the publish to '{topic}': {result.ReasonCode}");
            }
        }
        catch (Exception exception) when (IsCancellation(exception) && linked.IsCancellationRequested)
        {
            // MQTTnet fails an awaited acknowledgement with MqttCommunicationTimedOutException when its token is cancelled.
            cancellationToken.ThrowIfCancellationRequested();
            throw new MqttException($"publish to '{topic}' not acknowledged within {FailureReasons.Seconds(options.OperationTimeout)} s");
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            throw new MqttException($"publish to '{topic}' not acknowledged, connection lost: {FailureReasons.Lost(exception, endpoint, options.OperationTimeout)}", exception);
        }
    }

    public async Task SubscribeAsync(string topicFilter, MqttQualityOfService qualityOfService, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        RequireSupported(qualityOfService);
        Connection? target;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            subscriptions[topicFilter] = qualityOfService;
            // A connection still renewing its subscriptions takes new ones directly: its renewal list is already made.
            target = connection;
        }
        if (target is null)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(options.OperationTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        string? refused;
        try
        {
            refused = await SubscribeOnAsync(target, [new(topicFilter, qualityOfService)], linked.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsCancellation(exception) && linked.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new MqttException($"subscribe to '{topicFilter}' not acknowledged within {FailureReasons.Seconds(options.OperationTimeout)} s");
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            // Kept: it is made on the next connection.
            throw new MqttException($"subscribe to '{topicFilter}' not acknowledged, connection lost: {FailureReasons.Lost(exception, endpoint, options.OperationTimeout)}", exception);
        }
        if (refused is not null)
        {
            lock (gate)
            {
                subscriptions.Remove(topicFilter);
            }
            throw new MqttException($"the broker refused the subscription to '{topicFilter}' ({refused})");
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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void RequireSupported(MqttQualityOfService qualityOfService)
    {
        if (qualityOfService is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
        {
            throw new ArgumentOutOfRangeException(nameof(qualityOfService), qualityOfService, "QoS 0 or 1");
        }
    }

    private static bool IsCancellation(Exception exception) => exception is OperationCanceledException or MqttCommunicationTimedOutException;

    /// <summary>What MQTTnet throws when the connection is gone or goes away under an operation.</summary>
    private static bool IsConnectionFailure(Exception exception) =>
        exception is MqttCommunicationException or ObjectDisposedException or IOException or InvalidOperationException;

    /// <summary>Subscribes on one connection; returns null when every filter was granted, else what the broker refused.</summary>
    private async Task<string?> SubscribeOnAsync(Connection target, IReadOnlyList<KeyValuePair<string, MqttQualityOfService>> filters, CancellationToken cancellationToken)
    {
        var builder = new Net.MqttClientSubscribeOptionsBuilder();
        foreach (var (filter, qualityOfService) in filters)
        {
            builder.WithTopicFilter(filter, (MqttQualityOfServiceLevel)qualityOfService);
        }
        var result = await target.Client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        var refused = new List<string>();
        lock (gate)
        {
            foreach (var item in result.Items)
            {
                if (item.ResultCode is Net.MqttClientSubscribeResultCode.GrantedQoS0 or Net.MqttClientSubscribeResultCode.GrantedQoS1 or Net.MqttClientSubscribeResultCode.GrantedQoS2)
                {
                    grantedInSession.Add(item.TopicFilter.Topic);
                }
                else
                {
                    refused.Add($"'{item.TopicFilter.Topic}': {item.ResultCode}");
                }
            }
        }
        return refused.Count == 0 ? null : string.Join(", ", refused);
    }

    private async Task SuperviseAsync(CancellationToken stop)
    {
        var failures = 0;
        var outageStarted = timeProvider.GetUtcNow();
        try
        {
            while (true)
            {
                var attempt = await AttemptAsync(stop).ConfigureAwait(false);
                if (attempt.Connection is { } connected)
                {
                    var reason = await connected.Lost.Task.WaitAsync(stop).ConfigureAwait(false);
                    MarkNotConnected($"connection lost: {reason}");
                    Detach(connected);
                    connected.Dispose();
                    outageStarted = timeProvider.GetUtcNow();
                    failures = 1;
                }
                else if (attempt.Permanent)
                {
                    Fault(attempt.Failure!);
                    return;
                }
                else
                {
                    failures++;
                    MarkNotConnected(attempt.Failure!);
                }
                var delay = options.Reconnect.Delay(failures, timeProvider.GetUtcNow() - outageStarted, Random.Shared.NextDouble());
                await Task.Delay(delay, timeProvider, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // DisconnectAsync.
        }
        catch (Exception exception)
        {
            // A fault in the supervisor itself: say so instead of leaving the state stuck.
            Fault($"the MQTT client failed: {exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            Connection? current;
            lock (gate)
            {
                current = connection;
                connection = null;
            }
            if (current is not null)
            {
                await current.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One connection attempt: TCP, TLS, CONNECT/CONNACK within the operation timeout, then the subscriptions.</summary>
    private async Task<Attempt> AttemptAsync(CancellationToken stop)
    {
        BrokerTls? tls = null;
        Net.MqttClientOptions mqttOptions;
        try
        {
            tls = options.CaCertificatePath is null ? null : BrokerTls.Load(options);
            mqttOptions = BuildOptions(tls);
        }
        catch (MqttException exception)
        {
            tls?.Dispose();
            return Attempt.Refused(exception.Message);
        }
        var candidate = new Connection(this, Factory.CreateMqttClient(), tls);
        using var timeout = new CancellationTokenSource(options.OperationTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        Net.MqttClientConnectResult result;
        try
        {
            result = await candidate.Client.ConnectAsync(mqttOptions, linked.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            candidate.Dispose();
            stop.ThrowIfCancellationRequested();
            return Attempt.Failed(timeout.IsCancellationRequested
                ? $"{endpoint} did not answer within {FailureReasons.Seconds(options.OperationTimeout)} s"
                : FailureReasons.ConnectFailed(exception, endpoint, tls is not null, tls?.Problem));
        }
        if (result.ResultCode != Net.MqttClientConnectResultCode.Success)
        {
            candidate.Dispose();
            var refusal = $"the broker refused the connection: {FailureReasons.Refusal(result.ResultCode)}";
            return FailureReasons.IsPermanent(result.ResultCode) ? Attempt.Refused(refusal) : Attempt.Failed(refusal);
        }
        KeyValuePair<string, MqttQualityOfService>[] renew;
        lock (gate)
        {
            connection = candidate;
            if (!result.IsSessionPresent)
            {
                grantedInSession.Clear();
            }
            renew = [.. subscriptions.Where(subscription => !grantedInSession.Contains(subscription.Key))];
        }
        if (renew.Length > 0)
        {
            // The renewal has an operation timeout of its own.
            timeout.CancelAfter(options.OperationTimeout);
            try
            {
                // A refused renewal stays in the list and is asked for again on the next connection.
                await SubscribeOnAsync(candidate, renew, linked.Token).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Detach(candidate);
                if (stop.IsCancellationRequested)
                {
                    // DisconnectAsync during the renewal: still a clean goodbye, so the broker drops the will.
                    await candidate.CloseAsync().ConfigureAwait(false);
                    stop.ThrowIfCancellationRequested();
                }
                candidate.Dispose();
                return Attempt.Failed($"renewing the subscriptions failed: " + (timeout.IsCancellationRequested
                    ? $"{endpoint} did not answer within {FailureReasons.Seconds(options.OperationTimeout)} s"
                    : FailureReasons.Lost(exception, endpoint, options.OperationTimeout)));
            }
        }
        lastError = null;
        lock (gate)
        {
            candidate.Ready = true;
            SetStateLocked(MqttConnectionState.Connected, null);
            connectedSignal.TrySetResult();
        }
        return Attempt.Connected(candidate);
    }

    /// <summary>The MQTTnet options of one attempt (internal for the tests of the mapping).</summary>
    internal Net.MqttClientOptions BuildOptions(BrokerTls? tls)
    {
        var builder = new Net.MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(options.CleanSession)
            .WithKeepAlivePeriod(options.KeepAlive)
            // Used by MQTTnet where no token is passed: keep-alive pings and the clean disconnect.
            .WithTimeout(options.OperationTimeout);
        if (options.ClientId is not null)
        {
            builder.WithClientId(options.ClientId);
        }
        if (options.Username is not null)
        {
            builder.WithCredentials(options.Username, options.Password);
        }
        if (options.WillTopic is not null)
        {
            builder.WithWillTopic(options.WillTopic)
                .WithWillPayload(options.WillPayload.ToArray())
                .WithWillRetain(options.WillRetain)
                .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)options.WillQualityOfService);
        }
        if (tls is not null)
        {
            builder.WithTlsOptions(tlsOptions =>
            {
                tlsOptions.UseTls()
                    .WithTargetHost(options.Host)
                    .WithCertificateValidationHandler(tls.Validate);
                if (tls.ClientCertificates.Count > 0)
                {
                    tlsOptions.WithClientCertificates(tls.ClientCertificates);
                }
            });
        }
        var built = builder.Build();
        var tcp = (Net.MqttClientTcpOptions)built.ChannelOptions;
        tcp.NoDelay = true;
        // MQTTnet sets SO_RCVBUF and SO_SNDBUF to this (8 KiB by default), which turns off the kernel's
        // buffer autotuning: a 16 KiB receive window stalled the platform side of the uplink benchmark at
        // ~80 messages/s (the sender waited for 200 ms window probes). The kernel caps it at net.core.rmem_max.
        tcp.BufferSize = SocketBufferBytes;
        // MQTTnet's default (linger on, 0 s) resets the connection on close, which can drop the DISCONNECT
        // just written: the broker would then publish the will ("offline") after a clean stop.
        tcp.LingerState = new LingerOption(enable: false, seconds: 0);
        return built;
    }

    private void Detach(Connection ended)
    {
        lock (gate)
        {
            if (connection == ended)
            {
                connection = null;
            }
        }
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
            SetStateLocked(state is MqttConnectionState.Connected or MqttConnectionState.Reconnecting
                ? MqttConnectionState.Reconnecting
                : MqttConnectionState.Connecting, reason);
        }
    }

    private void Fault(string reason)
    {
        lastError = reason;
        lock (gate)
        {
            if (connectedSignal.Task.IsCompleted)
            {
                connectedSignal = NewSignal();
            }
            connectedSignal.TrySetException(new MqttException(reason));
            SetStateLocked(MqttConnectionState.Faulted, reason);
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
        // Raised off the supervisor and MQTTnet threads, one after the other.
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

    /// <summary>How one attempt ended: connected, failed (retry), or refused for good.</summary>
    private sealed record Attempt(Connection? Connection, string? Failure, bool Permanent)
    {
        public static Attempt Connected(Connection connection) => new(connection, null, false);

        public static Attempt Failed(string reason) => new(null, reason, false);

        public static Attempt Refused(string reason) => new(null, reason, true);
    }

    /// <summary>One MQTTnet client's life: its messages go to the owner's channel; its loss is reported once.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly SupervisedMqttClient owner;
        private readonly BrokerTls? tls;

        public Connection(SupervisedMqttClient owner, Net.IMqttClient client, BrokerTls? tls)
        {
            this.owner = owner;
            this.tls = tls;
            Client = client;
            client.ApplicationMessageReceivedAsync += OnMessageAsync;
            client.DisconnectedAsync += OnDisconnectedAsync;
        }

        public Net.IMqttClient Client { get; }

        /// <summary>Subscriptions renewed: publishes may go. Guarded by the owner's gate.</summary>
        public bool Ready { get; set; }

        /// <summary>Completed with the reason when the established connection ends.</summary>
        public TaskCompletionSource<string> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Sends DISCONNECT (so the broker drops the will), bounded; pending publishes fail.</summary>
        public async Task CloseAsync()
        {
            try
            {
                if (Client.IsConnected)
                {
                    using var limit = new CancellationTokenSource(owner.options.OperationTimeout);
                    await Client.DisconnectAsync(new Net.MqttClientDisconnectOptions { Reason = Net.MqttClientDisconnectOptionsReason.NormalDisconnection }, limit.Token).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (IsConnectionFailure(exception) || exception is OperationCanceledException)
            {
                // Gone already: nothing to say goodbye to.
            }
            finally
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            Client.ApplicationMessageReceivedAsync -= OnMessageAsync;
            Client.Dispose();
            tls?.Dispose();
        }

        private Task OnMessageAsync(Net.MqttApplicationMessageReceivedEventArgs arguments)
        {
            var message = arguments.ApplicationMessage;
            owner.messages.Writer.TryWrite(new MqttApplicationMessage(
                message.Topic,
                message.Payload.ToArray(),
                message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? MqttQualityOfService.AtMostOnce : MqttQualityOfService.AtLeastOnce,
                message.Retain));
            return Task.CompletedTask;
        }

        private Task OnDisconnectedAsync(Net.MqttClientDisconnectedEventArgs arguments)
        {
            // MQTTnet raises this for failed attempts too (ClientWasConnected false): those are reported by ConnectAsync.
            if (arguments.ClientWasConnected)
            {
                lock (owner.gate)
                {
                    Ready = false;
                }
                Lost.TrySetResult(FailureReasons.ConnectionLost(arguments, owner.endpoint, owner.options.OperationTimeout));
            }
            return Task.CompletedTask;
        }
    }
}
