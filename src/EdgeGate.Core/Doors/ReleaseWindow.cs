namespace EdgeGate.Core.Doors;

/// <summary>
/// How long a door stays released by a pulse. A grant that comes while the door is still released
/// pushes the end back (<see cref="TryExtend"/>): one release that lasts, never a queue of pulses
/// behind each other. A driver that times the release itself waits on it (<see cref="WaitAsync"/>)
/// and relocks when it is over; from the moment the relock begins the window is closed and a later
/// grant needs a release of its own. Thread-safe.
/// </summary>
public sealed class ReleaseWindow
{
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private long endTimestamp;
    private bool closed;

    /// <param name="duration">How long the door stays released from now (positive).</param>
    public ReleaseWindow(TimeSpan duration, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        this.timeProvider = timeProvider ?? TimeProvider.System;
        endTimestamp = EndFromNow(duration);
    }

    /// <summary>Time left until the door locks again (zero once over).</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (gate)
            {
                return RemainingAt(timeProvider.GetTimestamp());
            }
        }
    }

    /// <summary>When the door locks again, as things stand.</summary>
    public DateTimeOffset EndsAt => timeProvider.GetUtcNow() + Remaining;

    /// <summary>True once the release is ending: it can no longer be extended.</summary>
    public bool IsClosed
    {
        get
        {
            lock (gate)
            {
                return closed;
            }
        }
    }

    /// <summary>
    /// Makes the release last at least <paramref name="duration"/> from now (never shorter than it
    /// already is). False when the release is already ending: the door needs a new release.
    /// </summary>
    public bool TryExtend(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        lock (gate)
        {
            if (closed)
            {
                return false;
            }
            endTimestamp = Math.Max(endTimestamp, EndFromNow(duration));
            return true;
        }
    }

    /// <summary>Waits until the end, following extensions, then closes the window (the caller relocks).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan remaining;
            lock (gate)
            {
                remaining = RemainingAt(timeProvider.GetTimestamp());
                if (remaining <= TimeSpan.Zero)
                {
                    closed = true;
                    return;
                }
            }
            // An extension only moves the end later: sleep until the end known now, then look again.
            await Task.Delay(remaining, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the window at once (a driver that cannot follow extensions) and returns the time left, at least a millisecond.</summary>
    public TimeSpan Close()
    {
        lock (gate)
        {
            closed = true;
            var remaining = RemainingAt(timeProvider.GetTimestamp());
            return remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1);
        }
    }

    private long EndFromNow(TimeSpan duration) =>
        timeProvider.GetTimestamp() + (long)(duration.TotalSeconds * timeProvider.TimestampFrequency);

    private TimeSpan RemainingAt(long now) =>
        now >= endTimestamp ? TimeSpan.Zero : timeProvider.GetElapsedTime(now, endTimestamp);
}
