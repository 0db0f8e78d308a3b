using System.Diagnostics;
using EdgeGate.Core.Doors;
using EdgeGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Access;

/// <summary>
/// One door's loop: carries out the commands queued for it, one at a time, through its
/// <see cref="IDoorDriver"/>, and journals every outcome after the fact. A door that did not respond,
/// refused, or whose line failed is journaled as a <c>door_fault</c> alert. It tells
/// <see cref="DoorReleases"/> when the door is released, so the door contact is not taken for forced.
/// </summary>
public sealed partial class DoorService(
    string doorName,
    DoorRequestQueues queues,
    DoorDrivers drivers,
    DoorReleases releases,
    EdgeGateDatabase database,
    DecisionFeed feed,
    TimeProvider timeProvider,
    ILogger<DoorService> logger) : BackgroundService
{
    /// <summary>Extra time on top of the pulse for the driver's own exchanges before the command is abandoned.</summary>
    public static readonly TimeSpan CommandAllowance = TimeSpan.FromSeconds(15);

    public string DoorName => doorName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var command in queues.ReaderFor(doorName).ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await CarryOutAsync(command, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>Drives the door and journals the outcome; returns what was published to the feed.</summary>
    public async Task<DoorOperated> CarryOutAsync(DoorRequest command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var driver = drivers.For(doorName);
        switch (command.Kind)
        {
            case DoorRequestKind.Pulse:
                releases.PulseStarting(doorName, timeProvider.GetUtcNow() + command.Duration);
                break;
            case DoorRequestKind.HoldReleased:
                releases.HeldReleased(doorName);
                break;
        }
        var started = Stopwatch.GetTimestamp();
        DoorCommandOutcome outcome;
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(command.Duration + CommandAllowance);
            try
            {
                outcome = command.Kind switch
                {
                    DoorRequestKind.Pulse => await driver.PulseAsync(command.Duration, limit.Token).ConfigureAwait(false),
                    DoorRequestKind.HoldReleased => await driver.SetAsync(true, limit.Token).ConfigureAwait(false),
                    _ => await driver.SetAsync(false, limit.Token).ConfigureAwait(false),
                };
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = new DoorCommandOutcome.NoResponse(Stopwatch.GetElapsedTime(started), "the driver did not finish the command in time");
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
            {
                outcome = new DoorCommandOutcome.TransportError(exception.Message);
            }
        }
        var took = Stopwatch.GetElapsedTime(started);
        switch (command.Kind)
        {
            case DoorRequestKind.Pulse:
                releases.PulseEnded(doorName, timeProvider.GetUtcNow());
                break;
            case DoorRequestKind.Lock:
                releases.Locked(doorName, timeProvider.GetUtcNow());
                break;
        }

        if (outcome.IsDone)
        {
            LogDone(logger, doorName, command.Kind, took.TotalMilliseconds, command.DecisionSeq ?? 0);
        }
        else
        {
            LogFault(logger, doorName, command.Kind, outcome.Describe(), command.DecisionSeq ?? 0);
        }

        long? seq = null;
        try
        {
            seq = await database.Journal.AppendAsync(
                AccessJournal.DoorOutcomeDraft(command, outcome, took, timeProvider.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageException exception)
        {
            LogJournalFailed(logger, exception, doorName);
        }
        var operated = new DoorOperated(doorName, command, outcome, took, seq);
        feed.Publish(operated);
        return operated;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Door {Door}: {Command} done in {Milliseconds:0} ms (decision seq {DecisionSeq})")]
    private static partial void LogDone(ILogger logger, string door, DoorRequestKind command, double milliseconds, long decisionSeq);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Door {Door}: {Command} failed: {Outcome} (decision seq {DecisionSeq})")]
    private static partial void LogFault(ILogger logger, string door, DoorRequestKind command, string outcome, long decisionSeq);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Critical, Message = "Door {Door}: the door outcome could not be journaled")]
    private static partial void LogJournalFailed(ILogger logger, Exception exception, string door);
}
