namespace EdgeGate.TestSupport.Waiting;

/// <summary>
/// A wait that shows something does not happen (no second connection, no retry, nothing re-sent): the
/// one kind of fixed wait a test may make, always with its reason, watching the unwanted thing while it
/// waits so that it fails as soon as that thing happens. Prefer observing a later event that proves the
/// earlier one did not happen; use this where no such event exists.
/// </summary>
public static class Quiet
{
    /// <summary>Waits <paramref name="period"/>, failing at once if <paramref name="happened"/> becomes true.</summary>
    public static async Task ForAsync(TimeSpan period, string reason, Func<bool> happened)
    {
        if ((await Eventually.TryWaitForAsync(() => Task.FromResult(happened()), done => done, period)).Reached)
        {
            throw new InvalidOperationException($"Expected {reason} for {period.TotalSeconds:0.###} s, but it did not hold.");
        }
    }

    /// <summary>
    /// Waits <paramref name="period"/> for <paramref name="reason"/>: an outage that must last, a window that is
    /// measured, something that must settle. It does not poll: a CPU measurement over the period sees only
    /// the code under test.
    /// </summary>
    public static Task ForAsync(TimeSpan period, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Task.Delay(period);
    }
}
