namespace EdgeGate.Core;

/// <summary>
/// How quickly something that failed (a broker connection, a serial device, a journal write) is tried
/// again: quick while the outage is young, slow only when it lasts, and never in step with other gateways.
/// One formula, <see cref="Delay"/>, used by the supervision loops directly and by every
/// <see cref="RetryPipeline"/>.
/// </summary>
/// <param name="First">The wait after the first failed attempt; it doubles with every further one.</param>
/// <param name="EarlyMaximum">The longest wait while the outage is younger than <paramref name="EarlyPhase"/>.</param>
/// <param name="EarlyPhase">How long an outage counts as young.</param>
/// <param name="Maximum">The longest wait ever.</param>
public sealed record RetryPacing(TimeSpan First, TimeSpan EarlyMaximum, TimeSpan EarlyPhase, TimeSpan Maximum)
{
    /// <summary>
    /// Brokers: 0.25 s, 0.5 s, 1 s, then at most 1.5 s apart during the first minute of an outage (a
    /// restarted broker is found again within 2 s, connection included), growing to 30 s over the next
    /// 30 s of a longer one; each wait jittered down by up to half.
    /// </summary>
    public static RetryPacing Broker { get; } = new(
        TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(1.5), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));

    /// <summary>
    /// Plain capped doubling: <paramref name="first"/>, twice that, and so on up to <paramref name="maximum"/>,
    /// with no early phase; jittered like every pacing.
    /// </summary>
    public static RetryPacing Doubling(TimeSpan first, TimeSpan maximum) => new(first, maximum, TimeSpan.Zero, maximum);

    /// <summary>
    /// The wait after failed attempt number <paramref name="attempt"/> (1 for the first), <paramref name="outage"/>
    /// after the connection was lost (or first tried): <see cref="First"/> × 2^(attempt − 1), capped by a limit
    /// that is <see cref="EarlyMaximum"/> during the <see cref="EarlyPhase"/> and after it the time the outage has
    /// lasted beyond the phase (at least <see cref="EarlyMaximum"/>), never more than <see cref="Maximum"/>; then
    /// scaled by a factor between 0.5 and 1 taken from <paramref name="random"/> (0 ≤ random &lt; 1: "equal
    /// jitter"), so that a fleet of gateways that lost the same broker spreads its attempts.
    /// </summary>
    public TimeSpan Delay(int attempt, TimeSpan outage, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(random, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(random, 1.0);
        return TimeSpan.FromTicks((long)(Longest(attempt, outage).Ticks * (1.0 - (random / 2))));
    }

    /// <summary>
    /// The wait of <see cref="Delay"/> before jitter, the longest it can be: <see cref="First"/> × 2^(attempt − 1)
    /// capped by the limit for an outage of that age; attempt 0 or less waits nothing.
    /// </summary>
    public TimeSpan Longest(int attempt, TimeSpan outage)
    {
        var early = Min(EarlyMaximum, Maximum);
        var limit = outage < EarlyPhase ? early : Min(Maximum, Max(early, outage - EarlyPhase));
        return RetryDelay.Doubling(First, limit, attempt);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid part.</summary>
    public void Validate()
    {
        Require(First > TimeSpan.Zero, nameof(First), "must be positive");
        Require(EarlyMaximum >= First, nameof(EarlyMaximum), "must be at least First");
        Require(EarlyPhase >= TimeSpan.Zero, nameof(EarlyPhase), "must not be negative");
        Require(Maximum >= First, nameof(Maximum), "must be at least First");
    }

    private static TimeSpan Min(TimeSpan left, TimeSpan right) => left < right ? left : right;

    private static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"retry pacing {name} {problem}", name);
        }
    }
}
