namespace EdgeGate.Core;

/// <summary>The wait before retrying something that failed (a camera, a broker, a serial line): doubling, capped.</summary>
public static class RetryDelay
{
    /// <summary>
    /// Attempt 1 waits <paramref name="first"/>, attempt n waits first × 2^(n−1), never more than
    /// <paramref name="maximum"/> (also when the first wait is longer); attempt 0 or less waits nothing.
    /// </summary>
    public static TimeSpan Doubling(TimeSpan first, TimeSpan maximum, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first.Ticks, nameof(first));
        ArgumentOutOfRangeException.ThrowIfNegative(maximum.Ticks, nameof(maximum));
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }
        var doublings = Math.Min(attempt - 1, 62);
        // Compare before shifting so that a long run of failures cannot overflow.
        return first.Ticks > maximum.Ticks >> doublings ? maximum : TimeSpan.FromTicks(first.Ticks << doublings);
    }
}
