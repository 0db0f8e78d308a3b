using System.Diagnostics;
using EdgeGate.Core.Doors;
using EdgeGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// One door: carries out the requests for it through its <see cref="IDoorDriver"/> and journals
/// every outcome after the fact. A grant's pulse is started by the decision stage's own call
/// (<see cref="Submit"/>), right after the journal commit, with nothing queued in between. A grant
/// that comes while the door is still released by a pulse extends that release (one release,
/// never a queue of pulses behind each other); a driver that cannot follow an extension (a
/// board-timed pulse, an MQTT lock) gets another pulse as soon as its current one has been sent.
/// A door that did not respond, refused, or whose line failed is journaled as a <c>door_fault</c>
/// alert. It tells <see cref="DoorReleases"/> when the door is released, so the door contact is not
/// taken for forced. Requests that come before the door has warmed up (its line opened, its device
/// asked once) are carried out right after.
/// </summary>
public sealed partial class DoorService(
    string doorName,
    DoorDrivers drivers,
    DoorReleases releases,
    EdgeGateDatabase database,
    DecisionFeed feed,
    TimeProvider timeProvider,
    ILogger<DoorService> logger,
    StartupWarmUp? warmUp = null) : BackgroundService
{
    /// <summary>Extra time on top of the pulse for the driver's own exchanges before the command is abandoned.</summary>
    public static readonly TimeSpan CommandAllowance = TimeSpan.FromSeconds(15);

    private readonly Lock gate = new();
    private readonly Queue<DoorRequest> waiting = new();
    private readonly List<Task> inFlight = [];
    private readonly CancellationTokenSource stopping = new();
    private bool ready;
    private bool busy;
    private ReleaseWindow? release;

    public string DoorName => doorName;

    /// <summary>Requests not carried out yet: before the door warmed up, or behind a command that cannot be extended.</summary>
    public IReadOnlyList<DoorRequest> Waiting
    {
        get
        {
            lock (gate)
            {
                return [.. waiting];
            }
        }
    }

    /// <summary>
    /// Carries out <paramref name="request"/>: a pulse starts on the calling thread (the driver sends
    /// its release before its first wait), or extends the release in progress; anything else waits
    /// for the command in progress. Never blocks on the device; the outcome is journaled and published.
    /// </summary>
    public void Submit(DoorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(request.DoorName, doorName, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"a request for door '{request.DoorName}' sent to door '{doorName}'", nameof(request));
        }
        ReleaseWindow? extended = null;
        ReleaseWindow? window = null;
        var start = false;
        lock (gate)
        {
            if (ready && request.Kind == DoorRequestKind.Pulse && release is { } current && current.TryExtend(request.Duration))
            {
                extended = current;
            }
            else if (ready && !busy && waiting.Count == 0)
            {
                window = Prepare(request);
                start = true;
            }
            else
            {
                waiting.Enqueue(request);
            }
        }
        if (start)
        {
            Launch(CarryOutAsync(request, window));
        }
        else if (extended is not null)
        {
            releases.PulseStarting(doorName, extended.EndsAt);
            LogExtended(logger, doorName, extended.EndsAt, request.DecisionSeq ?? 0);
            Launch(RecordAsync(request, new DoorCommandOutcome.Done(
                $"the door was already released: the release now ends at {extended.EndsAt:HH:mm:ss.fff} ({request.Duration.TotalMilliseconds:0} ms from this grant)"),
                TimeSpan.Zero));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            if (warmUp is not null)
            {
                await warmUp.RunAsync(StartupWarmUp.Door(doorName), WarmUpAsync, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                await WarmUpAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogWarmUpFailed(logger, exception, doorName);
        }
        lock (gate)
        {
            ready = true;
        }
        StartNextWaiting();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Task[] commands;
        lock (gate)
        {
            ready = false;
            commands = [.. inFlight];
        }
        // A pulse in progress relocks now (drivers relock when cancelled) and its outcome is journaled.
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(commands).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        stopping.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Opens the door's line and asks its device for its state once (nothing moves), and drafts a
    /// door record (not written), so the first release is as quick as the next.
    /// </summary>
    private async Task<string> WarmUpAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CommandAllowance);
        var outcome = await drivers.For(doorName).CheckAsync(limit.Token).ConfigureAwait(false);
        _ = AccessJournal.DoorOutcomeDraft(
            new DoorRequest(doorName, DoorRequestKind.Pulse, TimeSpan.FromSeconds(1), null, null, timeProvider.GetUtcNow()),
            outcome, TimeSpan.Zero, timeProvider.GetUtcNow());
        return outcome.IsDone ? outcome.Describe() : $"the device did not answer as it should: {outcome.Describe()}";
    }

    /// <summary>Marks the door busy with <paramref name="request"/> (under the lock); a pulse gets its release window.</summary>
    private ReleaseWindow? Prepare(DoorRequest request)
    {
        busy = true;
        release = request.Kind == DoorRequestKind.Pulse ? new ReleaseWindow(request.Duration, timeProvider) : null;
        return release;
    }

    /// <summary>Starts the oldest waiting request when the door is ready and free.</summary>
    private void StartNextWaiting()
    {
        DoorRequest? next = null;
        ReleaseWindow? window = null;
        lock (gate)
        {
            if (ready && !busy && waiting.TryDequeue(out var dequeued))
            {
                next = dequeued;
                window = Prepare(dequeued);
            }
        }
        if (next is not null)
        {
            Launch(CarryOutAsync(next, window));
        }
    }

    /// <summary>Keeps a command or record in progress for <see cref="StopAsync"/>.</summary>
    private void Launch(Task task)
    {
        lock (gate)
        {
            inFlight.RemoveAll(done => done.IsCompleted);
            if (!task.IsCompleted)
            {
                inFlight.Add(task);
            }
        }
    }

    /// <summary>Runs one command on the calling thread up to the driver's first wait, then journals its outcome.</summary>
    private async Task CarryOutAsync(DoorRequest request, ReleaseWindow? window)
    {
        switch (request.Kind)
        {
            case DoorRequestKind.Pulse:
                releases.PulseStarting(doorName, window!.EndsAt);
                break;
            case DoorRequestKind.HoldReleased:
                releases.HeldReleased(doorName);
                break;
        }
        var driver = drivers.For(doorName);
        var started = Stopwatch.GetTimestamp();
        DoorCommandOutcome outcome;
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token))
        {
            limit.CancelAfter(request.Duration + CommandAllowance);
            try
            {
                outcome = request.Kind switch
                {
                    DoorRequestKind.Pulse => await driver.PulseAsync(window!, limit.Token).ConfigureAwait(false),
                    DoorRequestKind.HoldReleased => await driver.SetAsync(true, limit.Token).ConfigureAwait(false),
                    _ => await driver.SetAsync(false, limit.Token).ConfigureAwait(false),
                };
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                outcome = new DoorCommandOutcome.NoResponse(Stopwatch.GetElapsedTime(started), "the driver did not finish the command in time");
            }
            catch (OperationCanceledException)
            {
                outcome = new DoorCommandOutcome.Done("the gateway is stopping: relocked early");
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
            {
                outcome = new DoorCommandOutcome.TransportError(exception.Message);
            }
        }
        var took = Stopwatch.GetElapsedTime(started);
        switch (request.Kind)
        {
            case DoorRequestKind.Pulse:
                window?.Close();
                releases.PulseEnded(doorName, timeProvider.GetUtcNow());
                break;
            case DoorRequestKind.Lock:
                releases.Locked(doorName, timeProvider.GetUtcNow());
                break;
        }
        // The next request (one that could not extend this command) starts before this one is journaled.
        lock (gate)
        {
            release = null;
            busy = false;
        }
        StartNextWaiting();

        if (outcome.IsDone)
        {
            LogDone(logger, doorName, request.Kind, took.TotalMilliseconds, request.DecisionSeq ?? 0);
        }
        else
        {
            LogFault(logger, doorName, request.Kind, outcome.Describe(), request.DecisionSeq ?? 0);
        }
        await RecordAsync(request, outcome, took).ConfigureAwait(false);
    }

    /// <summary>Journals an outcome and publishes it to the feed.</summary>
    private async Task RecordAsync(DoorRequest request, DoorCommandOutcome outcome, TimeSpan took)
    {
        long? seq = null;
        try
        {
            seq = await database.Journal.AppendAsync(
                AccessJournal.DoorOutcomeDraft(request, outcome, took, timeProvider.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageException exception)
        {
            LogJournalFailed(logger, exception, doorName);
        }
        catch (ObjectDisposedException)
        {
            // The database closed under a command that ended at shutdown: the log line above stays.
        }
        feed.Publish(new DoorOperated(doorName, request, outcome, took, seq));
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Door {Door}: {Command} done in {Milliseconds:0} ms (decision seq {DecisionSeq})")]
    private static partial void LogDone(ILogger logger, string door, DoorRequestKind command, double milliseconds, long decisionSeq);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Door {Door}: {Command} failed: {Outcome} (decision seq {DecisionSeq})")]
    private static partial void LogFault(ILogger logger, string door, DoorRequestKind command, string outcome, long decisionSeq);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Critical, Message = "Door {Door}: the door outcome could not be journaled")]
    private static partial void LogJournalFailed(ILogger logger, Exception exception, string door);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Door {Door}: already released, release extended to {EndsAt:HH:mm:ss.fff} (decision seq {DecisionSeq})")]
    private static partial void LogExtended(ILogger logger, string door, DateTimeOffset endsAt, long decisionSeq);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Door {Door}: warm-up failed; the line is opened again on the first command")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception, string door);
}
