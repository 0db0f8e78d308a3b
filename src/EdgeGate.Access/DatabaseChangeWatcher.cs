using EdgeGate.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// Makes changes written by another process reach the running gateway: the property office's
/// <c>edgegate persons|enrol|cards</c> commands write the same SQLite file. Every
/// <see cref="Interval"/> it asks the database whether another connection committed
/// (<see cref="EdgeGateDatabase.CatchUpWithOtherWritersAsync"/>); if so the gallery follows the
/// person change feed as it does for the gateway's own writes (an enrolled face is recognised, a
/// moved-out resident's templates leave memory). Cards and person records are read per decision,
/// so they need nothing more.
/// </summary>
public sealed partial class DatabaseChangeWatcher(
    EdgeGateDatabase database,
    TimeProvider timeProvider,
    ILogger<DatabaseChangeWatcher> logger) : BackgroundService
{
    /// <summary>How often the file is checked: a command-line change is live well within a second.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (await database.CatchUpWithOtherWritersAsync(stoppingToken).ConfigureAwait(false))
                    {
                        LogChangedElsewhere(logger, database.DatabasePath);
                    }
                    failing = false;
                }
                catch (Exception exception) when (exception is SqliteException or StorageException)
                {
                    if (!failing)
                    {
                        LogCheckFailed(logger, exception, database.DatabasePath);
                    }
                    failing = true;
                }
            }
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

    [LoggerMessage(EventId = 3801, Level = LogLevel.Information, Message = "Changes made to {Database} by another process (the edgegate command line) picked up")]
    private static partial void LogChangedElsewhere(ILogger logger, string database);

    [LoggerMessage(EventId = 3802, Level = LogLevel.Warning, Message = "Cannot check {Database} for changes by other processes; retrying")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string database);
}
