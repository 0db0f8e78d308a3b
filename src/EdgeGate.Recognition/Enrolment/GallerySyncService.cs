using EdgeGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using EdgeGate.Core;

namespace EdgeGate.Recognition.Enrolment;

/// <summary>
/// Keeps the recognition gallery current: loads it from the store at start, then waits on the
/// store's change feed (no polling) and applies each change; when a person's validity window opens
/// or closes it re-applies eligibility at that instant, so an expired person stops matching on time.
/// A failing pass is logged and retried with a growing, jittered pause (a <see cref="RetryPipeline"/>);
/// the last good gallery stays in use.
/// </summary>
public sealed partial class GallerySyncService(
    GallerySynchroniser synchroniser,
    EdgeGateDatabase database,
    TimeProvider timeProvider,
    ILogger<GallerySyncService> logger) : BackgroundService
{
    /// <summary>Eligibility is re-checked at least this often even without a known validity bound (clock steps).</summary>
    public static readonly TimeSpan MaximumIdle = TimeSpan.FromMinutes(5);

    /// <summary>The pauses after failing passes: 2 s doubling up to 30 s, jittered.</summary>
    private static readonly RetryPacing Pacing = RetryPacing.Doubling(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
    private readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first full load is done.</summary>
    public Task Loaded => loaded.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // Each pass is retried until it succeeds; the next pass starts with a short pause again.
        var passes = RetryPipeline.Create<bool>(
            Pacing,
            timeProvider,
            isTransient: outcome => IsTransient(outcome.Exception),
            onRetry: arguments =>
            {
                LogFailed(logger, arguments.Outcome.Exception!, arguments.RetryDelay.TotalSeconds);
                return default;
            });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await passes.ExecuteAsync(
                    static async (service, token) =>
                    {
                        await service.PassAsync(token).ConfigureAwait(false);
                        return true;
                    },
                    this,
                    stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (stoppingToken.IsCancellationRequested && (exception is OperationCanceledException || IsTransient(exception)))
        {
            // Shutdown (a pass failing as the store closes is not retried then).
        }
    }

    private static bool IsTransient(Exception? exception) =>
        exception is StorageException or IOException or InvalidOperationException or ArgumentException;

    /// <summary>Loads the gallery once, then waits for work and applies it.</summary>
    private async Task PassAsync(CancellationToken stoppingToken)
    {
        if (!synchroniser.IsLoaded)
        {
            await synchroniser.LoadAsync(stoppingToken).ConfigureAwait(false);
            synchroniser.RefreshEligibility(timeProvider.GetUtcNow());
            LogLoaded(logger, synchroniser.Gallery.PersonCount, synchroniser.Gallery.TemplateCount, synchroniser.ModelId, synchroniser.Version);
            loaded.TrySetResult();
        }
        // Eligibility and the next validity bound are taken at the same instant, so a bound
        // passing while a change is applied is never missed.
        var now = timeProvider.GetUtcNow();
        var flipped = synchroniser.RefreshEligibility(now);
        await WaitForWorkAsync(now, synchroniser.NextEligibilityChange(now), stoppingToken).ConfigureAwait(false);
        var changed = await synchroniser.ApplyChangesAsync(stoppingToken).ConfigureAwait(false);
        if (changed > 0 || flipped > 0)
        {
            LogApplied(logger, changed, flipped, synchroniser.Version, synchroniser.Gallery.TemplateCount);
        }
    }

    /// <summary>Waits for a store change or the next validity bound, whichever comes first.</summary>
    private async Task WaitForWorkAsync(DateTimeOffset now, DateTimeOffset? nextBound, CancellationToken stoppingToken)
    {
        var delay = nextBound is { } bound && bound - now < MaximumIdle ? bound - now : MaximumIdle;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var change = database.Persons.WaitForChangeAsync(synchroniser.Version, waiting.Token);
        var timer = Task.Delay(delay, timeProvider, waiting.Token);
        // The clock may have passed the bound before the timer existed (a clock step, a slow pass).
        if (nextBound is null || timeProvider.GetUtcNow() < nextBound)
        {
            await Task.WhenAny(change, timer).ConfigureAwait(false);
        }
        await waiting.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
        await Task.WhenAll(change, timer).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Gallery loaded: {Persons} persons, {Templates} templates of {ModelId} (store version {Version})")]
    private static partial void LogLoaded(ILogger logger, int persons, int templates, string modelId, long version);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Gallery updated: {Changed} person change(s), {Flipped} eligibility change(s); version {Version}, {Templates} templates")]
    private static partial void LogApplied(ILogger logger, int changed, int flipped, long version, int templates);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Error, Message = "Gallery sync failed; the current gallery stays in use, retrying in {Seconds:0} s")]
    private static partial void LogFailed(ILogger logger, Exception exception, double seconds);
}
