using Polly;
using Polly.Retry;

namespace EdgeGate.Core;

/// <summary>
/// How EdgeGate retries one operation until it succeeds (opening a serial device, reading a relay
/// board's inputs, writing a journal entry): a Polly retry pipeline that never gives up, retries only
/// the outcomes the caller calls transient, tells the caller about every retry and its wait before
/// waiting, and waits on the host's <see cref="TimeProvider"/> (a fake clock in tests).
/// <para>
/// The waits come from <see cref="RetryPacing.Delay"/> through Polly's delay generator, not from
/// Polly's own exponential jitter: that one may wait next to nothing and knows no outage age, which
/// the broker pacing needs. So one formula paces every retry in the gateway, these pipelines and the
/// connection supervisors alike: capped doubling, each wait jittered to between half and all of it.
/// </para>
/// </summary>
public static class RetryPipeline
{
    /// <summary>When the first failure of the current execution was seen (for <see cref="RetryPacing.EarlyPhase"/>).</summary>
    private static readonly ResiliencePropertyKey<DateTimeOffset> OutageStarted = new("EdgeGate.OutageStarted");

    /// <summary>
    /// A pipeline that runs its callback again after every outcome <paramref name="isTransient"/> accepts
    /// (never after a cancellation), waiting <paramref name="pacing"/>'s jittered delay for the failure
    /// count and the time since the first failure; any other outcome ends the execution.
    /// </summary>
    /// <param name="pacing">The waits between attempts.</param>
    /// <param name="timeProvider">The host's clock: waits and outage ages are taken from it.</param>
    /// <param name="isTransient">True for a failure worth another attempt (a missing device, a busy database).</param>
    /// <param name="onRetry">Called before each wait, with the outcome, the attempt number (0 for the first
    /// failure) and the wait: the place for "…; retrying in N s".</param>
    /// <param name="random">Jitter samples in [0, 1); <see cref="Random.Shared"/> when null.</param>
    public static ResiliencePipeline<T> Create<T>(
        RetryPacing pacing,
        TimeProvider timeProvider,
        Func<Outcome<T>, bool> isTransient,
        Func<OnRetryArguments<T>, ValueTask>? onRetry = null,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(pacing);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(isTransient);
        pacing.Validate();
        var sample = random ?? Random.Shared.NextDouble;
        return new ResiliencePipelineBuilder<T> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<T>
            {
                // Long-lived peers are waited for as long as the gateway runs.
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is not OperationCanceledException && isTransient(arguments.Outcome)),
                DelayGenerator = arguments =>
                {
                    var now = timeProvider.GetUtcNow();
                    if (arguments.AttemptNumber == 0 || !arguments.Context.Properties.TryGetValue(OutageStarted, out var started))
                    {
                        started = now;
                        arguments.Context.Properties.Set(OutageStarted, started);
                    }
                    return ValueTask.FromResult<TimeSpan?>(pacing.Delay(arguments.AttemptNumber + 1, now - started, sample()));
                },
                OnRetry = onRetry ?? (static _ => default),
            })
            .Build();
    }
}
