using EdgeGate.Configuration;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// Keeps the local access history within <c>Journal:HistoryRetention</c> and <c>Journal:HistoryMaxRows</c>:
/// at start and every <see cref="Interval"/> it prunes acknowledged journal rows, oldest first, in small
/// transactions (<see cref="EventJournal.PruneHistoryAsync"/>), so a door event waits at most one batch for
/// the writer. Rows the platform has not acknowledged are never pruned; when they alone hold the history
/// over its cap, a warning says so (once per prune while it lasts).
/// </summary>
public sealed partial class HistoryPruningService(
    EdgeGateDatabase database,
    JournalOptions options,
    TimeProvider timeProvider,
    ILogger<HistoryPruningService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = new HistoryRetention(options.HistoryRetention, options.HistoryMaxRows);
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            do
            {
                try
                {
                    var result = await database.Journal.PruneHistoryAsync(retention, stoppingToken).ConfigureAwait(false);
                    if (result.RemovedByAge + result.RemovedByCap > 0)
                    {
                        LogPruned(logger, result.RemovedByAge, result.RemovedByCap, result.Rows);
                    }
                    if (result.OverCap > 0)
                    {
                        LogOverCap(logger, result.Rows, retention.MaximumRows, result.UndeliveredRows);
                    }
                }
                catch (Exception exception) when (exception is SqliteException or StorageException)
                {
                    LogPruneFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
            // The database closed first during shutdown.
        }
    }

    [LoggerMessage(EventId = 3901, Level = LogLevel.Information, Message = "Access history pruned: {ByAge} rows past their retention, {ByCap} over the row cap; {Rows} rows kept")]
    private static partial void LogPruned(ILogger logger, long byAge, long byCap, long rows);

    [LoggerMessage(EventId = 3902, Level = LogLevel.Warning, Message = "The journal holds {Rows} rows, over the history cap of {Cap}, because {Undelivered} events are not yet acknowledged by the platform; they are kept until delivered")]
    private static partial void LogOverCap(ILogger logger, long rows, long cap, long undelivered);

    [LoggerMessage(EventId = 3903, Level = LogLevel.Warning, Message = "Pruning the access history failed; retrying at the next interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
