namespace EdgeGate.Core.Doors;

/// <summary>The door contact alarms.</summary>
public enum DoorAlarmKind
{
    /// <summary>The door opened while its lock was not released: pushed or pried open.</summary>
    ForcedOpen,
    /// <summary>The door was opened legitimately but stands open longer than allowed (propped open, tailgating).</summary>
    HeldOpen,
}

/// <summary>
/// Whether the gateway has the lock released at a moment: until <see cref="Until"/> after a pulse
/// (the pulse's end), or indefinitely while <see cref="Held"/> (office hours, fire alarm).
/// </summary>
public readonly record struct DoorRelease(DateTimeOffset? Until, bool Held)
{
    public static DoorRelease Locked { get; } = new(null, false);

    /// <summary>True when the lock counts as released at <paramref name="at"/>, allowing <paramref name="grace"/> after the pulse.</summary>
    public bool Covers(DateTimeOffset at, TimeSpan grace) => Held || (Until is { } until && at <= until + grace);
}

/// <summary>What the door inputs meant, found by <see cref="DoorInputMonitor.Observe"/>.</summary>
public abstract record DoorInputEvent(DateTimeOffset At)
{
    /// <summary>The exit button went from released to pressed.</summary>
    public sealed record ExitButtonPressed(DateTimeOffset At) : DoorInputEvent(At);

    /// <summary>An alarm started; <see cref="OpenedAt"/> is when the door opened.</summary>
    public sealed record AlarmRaised(DoorAlarmKind Kind, DateTimeOffset At, DateTimeOffset OpenedAt) : DoorInputEvent(At);

    /// <summary>The door closed again after an alarm; it had been open for <see cref="OpenFor"/>.</summary>
    public sealed record AlarmCleared(DoorAlarmKind Kind, DateTimeOffset At, TimeSpan OpenFor) : DoorInputEvent(At);
}

/// <summary>How long a door may stand open and how late an opening still belongs to a release.</summary>
public sealed record DoorInputMonitorOptions
{
    /// <summary>An opened door that is still open this long after it opened (or after its release ended, if later) raises held-open.</summary>
    public TimeSpan HeldOpenAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An opening this long after a pulse ended still counts as released: the inputs are polled, and
    /// a person pushing as the strike relocks opens the door a moment late.
    /// </summary>
    public TimeSpan ReleaseGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An exit button press counts as a release this long from the press (the door's pulse length):
    /// egress is always granted, and the person pushes the door before the decision has driven the relay.
    /// </summary>
    public TimeSpan ExitButtonRelease { get; init; } = TimeSpan.FromSeconds(3);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeldOpenAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReleaseGrace, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ExitButtonRelease, TimeSpan.Zero);
    }
}

/// <summary>
/// Turns successive readings of a door's inputs into events: exit button presses, and the door
/// contact alarms. Pure: the time and the lock's release state come with each reading; it keeps only
/// what it saw last. Not thread-safe (one door's input loop owns it).
/// </summary>
/// <remarks>
/// <para><b>Forced open</b>: the contact goes from closed to open while the lock is not released
/// (see <see cref="DoorRelease.Covers"/>) and no exit button press is under way
/// (<see cref="DoorInputMonitorOptions.ExitButtonRelease"/>, from the press). Raised at once.</para>
/// <para><b>Held open</b>: a door opened while released is still open
/// <see cref="DoorInputMonitorOptions.HeldOpenAfter"/> after it opened, or after the release ended
/// if that is later; never while the lock is held released. A forced door raises no held-open on top.</para>
/// <para>Closing the door clears the raised alarm. The first reading has nothing to compare with: a
/// door already open then is timed for held-open from that reading (it is not called forced), and a
/// button already pressed is not a press (a stuck or miswired button must not release the door at
/// every start).</para>
/// </remarks>
public sealed class DoorInputMonitor
{
    private readonly DoorInputMonitorOptions options;
    private bool? doorClosed;
    private bool? exitPressed;
    private DateTimeOffset openedAt;
    private DateTimeOffset? exitReleasedUntil;
    private DoorAlarmKind? raised;

    public DoorInputMonitor(DoorInputMonitorOptions? options = null)
    {
        this.options = options ?? new DoorInputMonitorOptions();
        this.options.Validate();
    }

    /// <summary>The alarm in force, if any.</summary>
    public DoorAlarmKind? ActiveAlarm => raised;

    /// <summary>Takes one reading of the inputs at <paramref name="at"/> with the lock's release state then.</summary>
    public IReadOnlyList<DoorInputEvent> Observe(DoorInputs inputs, DateTimeOffset at, DoorRelease release)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var events = new List<DoorInputEvent>();

        if (inputs.ExitButtonPressed is { } pressed)
        {
            if (pressed && exitPressed == false)
            {
                events.Add(new DoorInputEvent.ExitButtonPressed(at));
                exitReleasedUntil = at + options.ExitButtonRelease;
            }
            exitPressed = pressed;
        }

        if (exitReleasedUntil is { } exitUntil)
        {
            release = new DoorRelease(Later(release.Until, exitUntil), release.Held);
        }

        if (inputs.DoorClosed is { } closed)
        {
            if (!closed && doorClosed != false)
            {
                openedAt = at;
                if (doorClosed == true && !release.Covers(at, options.ReleaseGrace))
                {
                    raised = DoorAlarmKind.ForcedOpen;
                    events.Add(new DoorInputEvent.AlarmRaised(DoorAlarmKind.ForcedOpen, at, at));
                }
            }
            else if (!closed && raised is null && !release.Held)
            {
                var allowedFrom = release.Until is { } until && until > openedAt ? until : openedAt;
                if (at - allowedFrom >= options.HeldOpenAfter)
                {
                    raised = DoorAlarmKind.HeldOpen;
                    events.Add(new DoorInputEvent.AlarmRaised(DoorAlarmKind.HeldOpen, at, openedAt));
                }
            }
            else if (closed && doorClosed == false && raised is { } alarm)
            {
                events.Add(new DoorInputEvent.AlarmCleared(alarm, at, at - openedAt));
                raised = null;
            }
            doorClosed = closed;
        }

        return events;
    }

    private static DateTimeOffset Later(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } value && value > candidate ? value : candidate;
}
