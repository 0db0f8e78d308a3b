using System.Threading.Channels;
using EdgeGate.Core.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// Moves items from another stage's never-dropping channel (recognition's face candidates and
/// stranger sightings, the uplink's remote unlocks) into the <see cref="AccessAttemptQueue"/>,
/// converting each to an <see cref="AccessAttempt"/>. It waits when the queue is full, so nothing is
/// dropped on the way; it ends when the source completes.
/// </summary>
public sealed partial class AccessAttemptPump<T>(
    string sourceName,
    ChannelReader<T> source,
    Func<T, AccessAttempt> convert,
    AccessAttemptQueue attempts,
    ILogger<AccessAttemptPump<T>> logger) : BackgroundService
{
    private long moved;

    public string SourceName => sourceName;

    public long Moved => Interlocked.Read(ref moved);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var item in source.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                AccessAttempt attempt;
                try
                {
                    attempt = convert(item);
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
                {
                    LogConversionFailed(logger, exception, sourceName);
                    continue;
                }
                await attempts.SubmitAsync(attempt, stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref moved);
            }
            LogSourceCompleted(logger, sourceName, Moved);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Error, Message = "Access attempt source {Source}: an item could not be converted; skipped")]
    private static partial void LogConversionFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "Access attempt source {Source} completed after {Moved} attempts")]
    private static partial void LogSourceCompleted(ILogger logger, string source, long moved);
}

public static class AccessAttemptSources
{
    /// <summary>
    /// Feeds another stage's channel into the decision stage, e.g. recognition's outputs:
    /// <code>
    /// services.AddAccessAttemptSource("face candidates", p => p.GetRequiredService&lt;RecognitionOutputs&gt;().Candidates,
    ///     c => AccessAttempt.ForFace(c.ToCredential(), c.DoorName, c.FrameArrivedAt, c.TrackId));
    /// </code>
    /// </summary>
    public static IServiceCollection AddAccessAttemptSource<T>(
        this IServiceCollection services,
        string sourceName,
        Func<IServiceProvider, ChannelReader<T>> source,
        Func<T, AccessAttempt> convert)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(convert);
        services.AddSingleton<IHostedService>(provider => new AccessAttemptPump<T>(
            sourceName,
            source(provider),
            convert,
            provider.GetRequiredService<AccessAttemptQueue>(),
            provider.GetRequiredService<ILogger<AccessAttemptPump<T>>>()));
        return services;
    }
}
