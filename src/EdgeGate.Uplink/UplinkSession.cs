using System.Threading.Channels;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Uplink;

/// <summary>
/// The journal → platform protocol over one <see cref="IMqttClient"/> (docs/protocol.md):
/// <list type="bullet">
/// <item>publishes journal rows in seq order while connected, at most <see cref="UplinkSessionOptions.Window"/>
/// beyond the platform's cumulative end-to-end ack; each row names the row before it (<c>prev</c>) so the
/// platform can tell a gap from a row that aged out;</item>
/// <item>alerts go first: they are also sent ahead of the stream (with <c>prev</c> null) as soon as recorded;</item>
/// <item>rewinds to ack+1 on every (re)connection and when the ack has not moved for
/// <see cref="UplinkSessionOptions.AckTimeout"/>; an acknowledged row is never sent again but stays in the journal as history;</item>
/// <item>publishes the retained online state (the client's will says offline) on every connection, every
/// <see cref="UplinkSessionOptions.StateInterval"/> and when the backlog drains or grows, asks for gallery
/// changes on every connection, and answers commands through the <see cref="PlatformCommandDispatcher"/>
/// (passing on whether the broker delivered one retained).</item>
/// </list>
/// The session owns no connection: the caller connects and disposes the client.
/// </summary>
public sealed partial class UplinkSession
{
    /// <summary>The sync cursor holding the last applied platform person-list version.</summary>
    public const string GalleryVersionCursor = "platform.gallery.version";

    /// <summary>A state message about refused writes (full storage) is sent at most this often, ahead of the regular ones.</summary>
    public static readonly TimeSpan StorageReportInterval = TimeSpan.FromSeconds(5);

    /// <summary>A state message following the backlog (drained, or grown past a step) is sent at most this often, ahead of the regular ones.</summary>
    public static readonly TimeSpan BacklogReportInterval = TimeSpan.FromSeconds(2);

    /// <summary>The backlog (rows beyond the ack) first reported early at this size, then each time it doubles.</summary>
    public const long BacklogReportStep = 100;

    private readonly IMqttClient client;
    private readonly EdgeGateDatabase database;
    private readonly EventJournal journal;
    private readonly UplinkTopics topics;
    private readonly UplinkSessionOptions options;
    private readonly PlatformCommandDispatcher? dispatcher;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<UplinkSession> logger;
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<(string Name, ReadOnlyMemory<byte> Payload, bool Retained)> commands;

    private readonly TaskCompletionSource subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long connectionEpoch;
    private long platformAck = -1;
    private long published;
    private long rewinds;
    private long connections;
    private long ackedSeq;
    private long commandsAnswered;
    private long commandsRefusedBusy;
    private long reportedRefusedWrites;
    private DateTimeOffset lastStateAt = DateTimeOffset.MinValue;
    private JournalStatus? lastStateJournal;

    public UplinkSession(
        IMqttClient client,
        EdgeGateDatabase database,
        UplinkTopics topics,
        UplinkSessionOptions options,
        PlatformCommandDispatcher? dispatcher,
        TimeProvider timeProvider,
        ILogger<UplinkSession> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.client = client;
        this.database = database;
        journal = database.Journal;
        this.topics = topics;
        this.options = options;
        this.dispatcher = dispatcher;
        this.timeProvider = timeProvider;
        this.logger = logger;
        commands = Channel.CreateBounded<(string, ReadOnlyMemory<byte>, bool)>(new BoundedChannelOptions(options.CommandQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
        });
    }

    public UplinkCounters Counters => new(
        Interlocked.Read(ref published),
        Interlocked.Read(ref rewinds),
        Interlocked.Read(ref connections),
        Interlocked.Read(ref ackedSeq),
        Interlocked.Read(ref commandsAnswered),
        Interlocked.Read(ref commandsRefusedBusy));

    /// <summary>
    /// Completes once the ack and command subscriptions are in place (acknowledged by the broker when
    /// the client was connected at the start, else queued for the first connection).
    /// </summary>
    public Task Subscribed => subscribed.Task;

    /// <summary>Runs until cancelled (then returns normally). The client may be connecting or connected.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        client.ConnectionStateChanged += OnConnectionStateChanged;
        try
        {
            await client.SubscribeAsync(topics.Ack, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
            if (dispatcher is not null)
            {
                await client.SubscribeAsync(topics.CommandFilter, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
            }
            subscribed.TrySetResult();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var tasks = new[]
            {
                ReceiveAsync(stop.Token),
                SendAsync(stop.Token),
                AnswerCommandsAsync(stop.Token),
            };
            var first = await Task.WhenAny(tasks).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The loops stop by cancellation; a real failure is rethrown below.
            }
            if (first.IsFaulted)
            {
                await first.ConfigureAwait(false);
            }
            if (!cancellationToken.IsCancellationRequested)
            {
                // The client's message channel ended: the client was disposed under the session.
                throw new InvalidOperationException("the uplink session stopped because its MQTT client was disposed");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            client.ConnectionStateChanged -= OnConnectionStateChanged;
        }
    }

    private void OnConnectionStateChanged(object? sender, MqttConnectionStateChangedEventArgs change)
    {
        if (change.State == MqttConnectionState.Connected)
        {
            Interlocked.Increment(ref connectionEpoch);
        }
        Wake();
    }

    private void Wake() => wake.Writer.TryWrite(true);

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in client.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message.Topic == topics.Ack)
            {
                if (UplinkMessages.ReadAck(message.Payload.Span) is { } seq)
                {
                    InterlockedMax(ref platformAck, seq);
                    Wake();
                }
                else
                {
                    LogBadAck(logger, message.Payload.Length);
                }
            }
            else if (dispatcher is not null && topics.CommandNameOf(message.Topic) is { } name)
            {
                if (message.Payload.IsEmpty)
                {
                    // An empty message is how the platform clears a retained command off the broker; brokers
                    // pass the clearing publish on to subscribers. It is no command: nothing to answer.
                    LogEmptyCommandIgnored(logger, CommandFields.Shorten(name));
                }
                else if (!commands.Writer.TryWrite((name, message.Payload, message.Retain)))
                {
                    Interlocked.Increment(ref commandsRefusedBusy);
                    await AnswerAsync(PlatformCommandDispatcher.BusyAnswer(name, message.Payload), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task AnswerCommandsAsync(CancellationToken cancellationToken)
    {
        if (dispatcher is null)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            return;
        }
        await foreach (var (name, payload, retained) in commands.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            byte[] answer;
            try
            {
                answer = await dispatcher.DispatchAsync(name, payload, retained, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Not recorded (or not completed): the platform's resend is answered later.
                LogCommandStorageFailed(logger, exception, CommandFields.Shorten(name));
                continue;
            }
            await AnswerAsync(answer, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(byte[] answer, CancellationToken cancellationToken)
    {
        try
        {
            await client.PublishAsync(topics.CommandResult, answer, MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref commandsAnswered);
        }
        catch (MqttException exception)
        {
            // The result stays in the command log: a resent command is answered from there.
            LogAnswerLost(logger, exception.Message);
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var acked = await journal.GetAckedSeqAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref ackedSeq, acked);
        var window = new UplinkWindow(acked, options.Window, options.BatchSize, options.AckTimeout, timeProvider.GetUtcNow());
        long seenEpoch = -1;
        var nextStateAt = DateTimeOffset.MinValue;
        var reportedBeyond = -1L;

        Task? previousBatch = null;

        void Rewind()
        {
            if (previousBatch is not null)
            {
                // Its outcome no longer matters: everything beyond the ack is sent again.
                _ = previousBatch.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                previousBatch = null;
            }
            window.Rewind(timeProvider.GetUtcNow());
            Interlocked.Increment(ref rewinds);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var ack = Interlocked.Read(ref platformAck);
                if (ack > acked)
                {
                    var outcome = await journal.AcknowledgeAsync(ack, cancellationToken).ConfigureAwait(false);
                    if (outcome == AcknowledgeOutcome.Advanced)
                    {
                        acked = ack;
                        Interlocked.Exchange(ref ackedSeq, acked);
                        window.Acknowledge(acked, timeProvider.GetUtcNow());
                    }
                    else if (outcome == AcknowledgeOutcome.BeyondLastSeq && reportedBeyond != ack)
                    {
                        reportedBeyond = ack;
                        LogAckBeyondJournal(logger, ack);
                    }
                }

                window.RestartTimeoutIfIdle(timeProvider.GetUtcNow());

                if (!client.IsConnected)
                {
                    await WaitAsync(options.PollInterval, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var epoch = Interlocked.Read(ref connectionEpoch);
                if (epoch != seenEpoch)
                {
                    seenEpoch = epoch;
                    Interlocked.Increment(ref connections);
                    Rewind();
                    LogConnected(logger, acked);
                    await PublishStateAsync(cancellationToken).ConfigureAwait(false);
                    nextStateAt = timeProvider.GetUtcNow() + options.StateInterval;
                    if (dispatcher is not null)
                    {
                        await RequestGalleryChangesAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                else if (window.IsAckOverdue(timeProvider.GetUtcNow()))
                {
                    LogAckTimeout(logger, acked, options.AckTimeout.TotalSeconds);
                    Rewind();
                }

                var sent = 0;
                var (alertsFrom, alertBudget) = window.NextAlerts();
                if (alertBudget > 0)
                {
                    var alerts = await journal.ReadFromAsync(alertsFrom, alertBudget, JournalLane.Alert, cancellationToken).ConfigureAwait(false);
                    if (alerts.Count > 0)
                    {
                        await PublishAsync(alerts, previousSeq: null, cancellationToken).ConfigureAwait(false);
                        window.AlertsPublished(alerts.Select(alert => alert.Seq));
                        sent += alerts.Count;
                    }
                }

                var (eventsFrom, budget) = window.NextEvents();
                if (budget > 0)
                {
                    var rows = await journal.ReadFromAsync(eventsFrom, budget, lane: null, cancellationToken).ConfigureAwait(false);
                    if (rows.Count > 0)
                    {
                        // Pipelined: this batch's PUBACKs are awaited after the next batch is handed to the client.
                        var batch = PublishAsync(rows, previousSeq: eventsFrom, cancellationToken);
                        if (previousBatch is not null)
                        {
                            var waiting = previousBatch;
                            previousBatch = null;
                            await waiting.ConfigureAwait(false);
                        }
                        previousBatch = batch;
                        window.EventsPublished(rows.Select(row => row.Seq));
                        sent += rows.Count;
                    }
                }

                if (timeProvider.GetUtcNow() >= nextStateAt)
                {
                    await PublishStateAsync(cancellationToken).ConfigureAwait(false);
                    nextStateAt = timeProvider.GetUtcNow() + options.StateInterval;
                }
                else if (BacklogMoved(acked) && timeProvider.GetUtcNow() - lastStateAt >= BacklogReportInterval)
                {
                    await PublishStateAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await ReportRefusedWritesAsync(cancellationToken).ConfigureAwait(false);
                }
                if (sent == 0)
                {
                    if (previousBatch is not null)
                    {
                        var waiting = previousBatch;
                        previousBatch = null;
                        await waiting.ConfigureAwait(false);
                    }
                    await WaitAsync(options.PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (MqttException exception)
            {
                // Lost connection or no PUBACK: resend everything beyond the ack (the platform dedupes).
                LogPublishFailed(logger, exception.Message);
                Rewind();
                await WaitAsync(options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException exception)
            {
                LogStorageFailed(logger, exception);
                // A full disk also refuses the ack cursor's writes: say so to the platform all the same.
                try
                {
                    await ReportRefusedWritesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception reportFailure) when (reportFailure is MqttException or StorageException)
                {
                    LogPublishFailed(logger, reportFailure.Message);
                }
                await WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishAsync(IReadOnlyList<JournalEntry> entries, long? previousSeq, CancellationToken cancellationToken)
    {
        var pending = new Task[entries.Count];
        var previous = previousSeq;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var payload = UplinkMessages.Event(topics, entry, previous);
            var topic = entry.Lane == JournalLane.Alert ? topics.Alerts : topics.Events;
            pending[i] = client.PublishAsync(topic, payload, MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken);
            if (previousSeq is not null)
            {
                previous = entry.Seq;
            }
        }
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (MqttException)
        {
            // Observe every task; the first failure is reported by the caller.
            foreach (var task in pending)
            {
                _ = task.Exception;
            }
            throw;
        }
        Interlocked.Add(ref published, entries.Count);
    }

    private async Task PublishStateAsync(CancellationToken cancellationToken)
    {
        var status = await journal.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var fullness = database.Fullness;
        var payload = UplinkMessages.OnlineState(topics, timeProvider.GetUtcNow(), status, Counters, fullness);
        await client.PublishAsync(topics.State, payload, MqttQualityOfService.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
        reportedRefusedWrites = fullness.RefusedWrites;
        lastStateAt = timeProvider.GetUtcNow();
        lastStateJournal = status;
    }

    /// <summary>
    /// Whether the last state published no longer tells the backlog: it drained (nothing beyond the ack)
    /// while the state showed a backlog or an older last seq, or it grew to <see cref="BacklogReportStep"/>
    /// rows and from there to twice what the state showed.
    /// </summary>
    private bool BacklogMoved(long acked)
    {
        if (lastStateJournal is not { } shown)
        {
            return false;
        }
        // Both backlogs as seq spans beyond the ack (rows that aged out leave gaps: an upper bound of the rows).
        var lastSeq = journal.LastRecordedSeq;
        var backlog = lastSeq - acked;
        var shownBacklog = shown.LastSeq - shown.AckedSeq;
        return backlog <= 0
            ? lastSeq != shown.LastSeq || shownBacklog > 0
            : backlog >= Math.Max(BacklogReportStep, 2 * shownBacklog);
    }

    /// <summary>Publishes the state early when writes were refused for lack of space since the last one.</summary>
    private async Task ReportRefusedWritesAsync(CancellationToken cancellationToken)
    {
        if (client.IsConnected
            && database.Fullness.RefusedWrites != reportedRefusedWrites
            && timeProvider.GetUtcNow() - lastStateAt >= StorageReportInterval)
        {
            LogStorageFull(logger, database.Fullness.RefusedWrites);
            await PublishStateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RequestGalleryChangesAsync(CancellationToken cancellationToken)
    {
        var stored = await database.SyncCursors.GetAsync(GalleryVersionCursor, cancellationToken).ConfigureAwait(false);
        var version = long.TryParse(stored, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
        await client.PublishAsync(topics.GalleryRequest, UplinkMessages.GalleryRequest(version), MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(delay);
        try
        {
            await wake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll interval passed.
        }
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Uplink connected; sending from seq {AckedSeq} + 1")]
    private static partial void LogConnected(ILogger logger, long ackedSeq);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "No ack progress beyond seq {AckedSeq} for {Seconds} s: rewinding")]
    private static partial void LogAckTimeout(ILogger logger, long ackedSeq, double seconds);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Uplink publish failed ({Reason}): rewinding to the last ack")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Ignored an ack for seq {Seq}: this gateway never recorded it (another gateway's ack, or a reset database?)")]
    private static partial void LogAckBeyondJournal(ILogger logger, long seq);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Ignored a malformed ack ({Bytes} bytes)")]
    private static partial void LogBadAck(ILogger logger, int bytes);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Error, Message = "Uplink journal access failed; retrying in 1 s")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "A command result could not be published ({Reason}); it is answered again when the command is resent")]
    private static partial void LogAnswerLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Error, Message = "Command {Command} could not be recorded or answered; a resend is answered later")]
    private static partial void LogCommandStorageFailed(ILogger logger, Exception exception, string command);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Debug, Message = "Ignored an empty message on cmd/{Command} (a retained command being cleared)")]
    private static partial void LogEmptyCommandIgnored(ILogger logger, string command);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Critical, Message = "Storage full: {RefusedWrites} write(s) refused so far; events are not being recorded. Reporting it to the platform in the state message")]
    private static partial void LogStorageFull(ILogger logger, long refusedWrites);
}
