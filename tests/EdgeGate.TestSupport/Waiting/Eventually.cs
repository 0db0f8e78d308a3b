using System.Diagnostics;

namespace EdgeGate.TestSupport.Waiting;

/// <summary>
/// Waits on a condition by polling it until a deadline, instead of sleeping a fixed time and hoping.
/// A timeout throws <see cref="TimeoutException"/> naming what was awaited (and, optionally, details
/// such as a peer's output), so a failing test says what did not happen.
/// </summary>
public static class Eventually
{
    /// <summary>How often a condition is polled: short against the bounds the tests assert.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string awaited, Func<string>? details = null)
        => WaitForAsync(condition, done => done, timeout, awaited, details);

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string awaited, Func<string>? details = null)
        => WaitForAsync(condition, done => done, timeout, awaited, details);

    /// <summary>Polls <paramref name="probe"/> until its value satisfies <paramref name="done"/>, and returns that value.</summary>
    public static Task<T> WaitForAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string awaited, Func<string>? details = null)
        => WaitForAsync(() => Task.FromResult(probe()), done, timeout, awaited, details);

    /// <summary>Polls the asynchronous <paramref name="probe"/> until its value satisfies <paramref name="done"/>, and returns that value.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string awaited, Func<string>? details = null)
    {
        var (reached, value) = await TryWaitForAsync(probe, done, timeout);
        return reached ? value : throw Timeout(timeout, awaited, value, details);
    }

    /// <summary>
    /// Does <paramref name="action"/>, then waits up to <paramref name="repeatAfter"/> for <paramref name="condition"/>,
    /// and does it again until the condition holds within <paramref name="timeout"/>: for a peer that may not be
    /// listening yet (a reader that opens its line at start), say it again until it is heard.
    /// </summary>
    public static async Task RepeatUntilAsync(Func<Task> action, Func<Task<bool>> condition, TimeSpan repeatAfter, TimeSpan timeout, string awaited, Func<string>? details = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await action();
            if ((await TryWaitForAsync(condition, done => done, repeatAfter)).Reached)
            {
                return;
            }
            if (clock.Elapsed > timeout)
            {
                throw Timeout(timeout, awaited, false, details);
            }
        }
    }

    /// <summary>Polls until <paramref name="done"/> holds or <paramref name="timeout"/> passes; returns whether it held and the last value.</summary>
    internal static async Task<(bool Reached, T Value)> TryWaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return (true, value);
            }
            if (clock.Elapsed > timeout)
            {
                return (false, value);
            }
            await Task.Delay(PollInterval);
        }
    }

    private static TimeoutException Timeout<T>(TimeSpan timeout, string awaited, T last, Func<string>? details)
    {
        var message = $"Timed out after {timeout.TotalSeconds:0.###} s waiting for {awaited}" + (last is bool ? "." : $" (last seen: {last}).");
        return new TimeoutException(details is null ? message : $"{message}\n{details()}");
    }
}
