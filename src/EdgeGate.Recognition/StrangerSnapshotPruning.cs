using EdgeGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Recognition;

/// <summary>
/// Deletes stranger snapshots once their retention is over, also when no new stranger comes to
/// trigger it: at start and then every <see cref="Interval"/> (or sooner for a shorter retention).
/// </summary>
internal sealed partial class StrangerSnapshotPruning(
    LiveGateRegistration.StrangerSnapshotHolder holder,
    TimeProvider timeProvider,
    ILogger<StrangerSnapshotPruning> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (holder.Store is not { } store)
        {
            return;
        }
        var every = TimeSpan.FromTicks(Math.Clamp(store.Retention.Ticks / 10, TimeSpan.TicksPerSecond, Interval.Ticks));
        using var timer = new PeriodicTimer(every, timeProvider);
        try
        {
            do
            {
                try
                {
                    var deleted = store.Prune();
                    if (deleted > 0)
                    {
                        LogPruned(deleted, store.Directory);
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or StorageException)
                {
                    LogPruneFailed(exception, store.Directory);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "{Count} stranger snapshot(s) past their retention or the storage limit deleted from {Directory}")]
    private partial void LogPruned(int count, string directory);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Cannot prune the stranger snapshots under {Directory}; trying again later")]
    private partial void LogPruneFailed(Exception exception, string directory);
}
