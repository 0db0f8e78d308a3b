using EdgeGate.Core.Doors;

namespace EdgeGate.Devices.Relays;

/// <summary>One thing a <see cref="LogDoor"/> was told to do.</summary>
/// <param name="At">When the state changed.</param>
/// <param name="Released">The state it changed to.</param>
/// <param name="Command">"pulse" or "hold".</param>
public sealed record DoorActivity(DateTimeOffset At, bool Released, string Command);

/// <summary>
/// A door that only records what it is told (for demos and tests without hardware): every state
/// change goes into <see cref="History"/> and to the optional observer (e.g. a logger call). Pulses
/// really wait their duration on the <see cref="TimeProvider"/>. Every command ends
/// <see cref="DoorCommandOutcome.Done"/>.
/// </summary>
public sealed class LogDoor : IDoorDriver, IDisposable
{
    private readonly TimeProvider timeProvider;
    private readonly Action<DoorActivity>? observer;
    private readonly SemaphoreSlim commandGate = new(1, 1);
    private readonly List<DoorActivity> history = [];

    public LogDoor(TimeProvider? timeProvider = null, Action<DoorActivity>? observer = null)
    {
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.observer = observer;
    }

    public DoorDriverCapabilities Capabilities => DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold;

    /// <summary>Every state change so far, oldest first.</summary>
    public IReadOnlyList<DoorActivity> History
    {
        get
        {
            lock (history)
            {
                return history.ToArray();
            }
        }
    }

    /// <summary>The current state.</summary>
    public bool IsReleased { get; private set; }

    public Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        PulseAsync(new ReleaseWindow(duration, timeProvider), cancellationToken);

    /// <summary>Records the release, waits until the window ends (following extensions), records the relock.</summary>
    public async Task<DoorCommandOutcome> PulseAsync(ReleaseWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var released = timeProvider.GetTimestamp();
            Record(true, "pulse");
            try
            {
                await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Record(false, "pulse");
            }
            return new DoorCommandOutcome.Done($"logged a {timeProvider.GetElapsedTime(released).TotalMilliseconds:0} ms pulse");
        }
        finally
        {
            commandGate.Release();
        }
    }

    public async Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken)
    {
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Record(released, "hold");
            return new DoorCommandOutcome.Done($"logged: {(released ? "held released" : "locked")}");
        }
        finally
        {
            commandGate.Release();
        }
    }

    public Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken)
        => Task.FromResult(DoorInputsReading.Failed(new DoorCommandOutcome.NotSupported("a log door has no inputs")));

    private void Record(bool released, string command)
    {
        IsReleased = released;
        var activity = new DoorActivity(timeProvider.GetUtcNow(), released, command);
        lock (history)
        {
            history.Add(activity);
        }
        observer?.Invoke(activity);
    }

    public void Dispose() => commandGate.Dispose();
}
