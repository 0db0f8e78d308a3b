using EdgeGate.Core.Doors;

namespace EdgeGate.Core.Tests.Doors;

/// <summary>
/// The door input monitor, table-driven: each row is a timeline of readings (seconds after T0, door
/// contact, exit button, the lock's release) and the events they must give, written as
/// "second:event" (e.g. "12:raised held_open", "13:cleared held_open after 8s", "2:exit").
/// Options: held open after 5 s, release grace 1 s, an exit press releases for 3 s.
/// </summary>
public sealed class DoorInputMonitorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(3));

    private static readonly DoorInputMonitorOptions Options = new()
    {
        HeldOpenAfter = TimeSpan.FromSeconds(5),
        ReleaseGrace = TimeSpan.FromSeconds(1),
        ExitButtonRelease = TimeSpan.FromSeconds(3),
    };

    /// <summary>One reading: at second <paramref name="Second"/>, 'C'/'O' door closed/open ('-' not wired), exit button 'P'/'-' (pressed, released) or ' ' not wired, release.</summary>
    private sealed record Reading(double Second, char Door, char Exit = ' ', double? ReleasedUntil = null, bool Held = false);

    private static Reading R(double second, char door, char exit = ' ', double? until = null, bool held = false) => new(second, door, exit, until, held);

    private static readonly Dictionary<string, (Reading[] Readings, string[] Expected)> Table = new()
    {
        ["closed door, nothing happens"] = ([R(0, 'C'), R(1, 'C'), R(60, 'C')], []),
        ["opened during a pulse and closed in time"] = ([R(0, 'C'), R(1, 'O', until: 4), R(3, 'O', until: 4), R(6, 'C', until: 4)], []),
        ["opened without a release: forced at once"] = ([R(0, 'C'), R(2, 'O')], ["2:raised forced_open"]),
        ["forced door closes: cleared with how long it was open"] = ([R(0, 'C'), R(2, 'O'), R(4.5, 'O'), R(9, 'C')], ["2:raised forced_open", "9:cleared forced_open after 7s"]),
        ["forced door left open raises no held-open on top"] = ([R(0, 'C'), R(2, 'O'), R(30, 'O')], ["2:raised forced_open"]),
        ["opened within the grace after the pulse: not forced"] = ([R(0, 'C'), R(4.9, 'O', until: 4)], []),
        ["opened right at the end of the grace: not forced"] = ([R(0, 'C'), R(5, 'O', until: 4)], []),
        ["opened after the grace: forced"] = ([R(0, 'C'), R(5.1, 'O', until: 4)], ["5.1:raised forced_open"]),
        ["held open: timed from the end of the release"] = ([R(0, 'C'), R(1, 'O', until: 4), R(8.9, 'O', until: 4), R(9, 'O', until: 4), R(12, 'C', until: 4)], ["9:raised held_open", "12:cleared held_open after 11s"]),
        ["held open: timed from the opening when it came after the release"] = ([R(0, 'C'), R(4.5, 'O', until: 4), R(9.4, 'O', until: 4), R(9.5, 'O', until: 4)], ["9.5:raised held_open"]),
        ["held open raised once"] = ([R(0, 'C'), R(1, 'O', until: 2), R(7, 'O', until: 2), R(8, 'O', until: 2), R(60, 'O', until: 2)], ["7:raised held_open"]),
        ["a second pulse while open extends the allowance"] = ([R(0, 'C'), R(1, 'O', until: 2), R(6, 'O', until: 10), R(14.9, 'O', until: 10), R(15, 'O', until: 10)], ["15:raised held_open"]),
        ["held released (office hours): open for long without alarm"] = ([R(0, 'C', held: true), R(1, 'O', held: true), R(3600, 'O', held: true), R(3601, 'C', held: true)], []),
        ["hold ended while open: held-open counts from the opening"] = ([R(0, 'C', held: true), R(1, 'O', held: true), R(100, 'O'), R(101, 'O')], ["100:raised held_open"]),
        ["door already open at the first reading: not forced, timed from then"] = ([R(0, 'O'), R(4.9, 'O'), R(5, 'O'), R(6, 'C')], ["5:raised held_open", "6:cleared held_open after 6s"]),
        ["closed then reopened by the next pulse starts afresh"] = ([R(0, 'C'), R(1, 'O', until: 2), R(8, 'O', until: 2), R(9, 'C', until: 2), R(20, 'O', until: 21), R(22, 'C', until: 21)], ["8:raised held_open", "9:cleared held_open after 8s"]),
        ["exit button press is an edge"] = ([R(0, 'C', '-'), R(1, 'C', 'P'), R(1.2, 'C', 'P'), R(2, 'C', '-'), R(3, 'C', 'P')], ["1:exit", "3:exit"]),
        ["exit button pressed at the first reading is not a press"] = ([R(0, 'C', 'P'), R(1, 'C', 'P'), R(2, 'C', '-'), R(3, 'C', 'P')], ["3:exit"]),
        ["door contact not wired: only the button counts"] = ([R(0, '-', '-'), R(1, '-', 'P'), R(90, '-', '-')], ["1:exit"]),
        ["exit press, release, then the door opens within the pulse"] = ([R(0, 'C', '-'), R(1, 'C', 'P'), R(1.3, 'O', '-', until: 4.3), R(5, 'C', '-', until: 4.3)], ["1:exit"]),
        ["exit press and the door open in the same reading: not forced"] = ([R(0, 'C', '-'), R(1, 'O', 'P'), R(3, 'C', 'P')], ["1:exit"]),
        ["opened before the exit pulse started: not forced"] = ([R(0, 'C', '-'), R(1, 'C', 'P'), R(1.2, 'O', 'P'), R(2, 'O', '-', until: 3), R(4, 'C', '-', until: 3)], ["1:exit"]),
        ["opened after the exit release and its grace: forced"] = ([R(0, 'C', '-'), R(1, 'C', 'P'), R(2, 'C', '-'), R(5.1, 'O', '-')], ["1:exit", "5.1:raised forced_open"]),
        ["exit release alone: held-open timed from its end"] = ([R(0, 'C', '-'), R(1, 'O', 'P'), R(8.9, 'O', '-'), R(9, 'O', '-')], ["1:exit", "9:raised held_open"]),
    };

    public static TheoryData<string> Timelines() => new(Table.Keys);

    [Theory]
    [MemberData(nameof(Timelines))]
    public void Readings_give_the_expected_events(string name)
    {
        var (readings, expected) = Table[name];
        var monitor = new DoorInputMonitor(Options);
        var events = new List<string>();
        foreach (var reading in readings)
        {
            var inputs = new DoorInputs(
                reading.Door switch { 'C' => true, 'O' => false, _ => null },
                reading.Exit switch { 'P' => true, '-' => false, _ => null });
            var release = new DoorRelease(reading.ReleasedUntil is { } until ? T0.AddSeconds(until) : null, reading.Held);
            events.AddRange(monitor.Observe(inputs, T0.AddSeconds(reading.Second), release).Select(Describe));
        }

        Assert.True(expected.SequenceEqual(events), $"{name}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", events)}]");
    }

    [Fact]
    public void Active_alarm_follows_raise_and_clear()
    {
        var monitor = new DoorInputMonitor(Options);
        monitor.Observe(new DoorInputs(true, null), T0, DoorRelease.Locked);
        Assert.Null(monitor.ActiveAlarm);

        monitor.Observe(new DoorInputs(false, null), T0.AddSeconds(1), DoorRelease.Locked);
        Assert.Equal(DoorAlarmKind.ForcedOpen, monitor.ActiveAlarm);

        monitor.Observe(new DoorInputs(true, null), T0.AddSeconds(2), DoorRelease.Locked);
        Assert.Null(monitor.ActiveAlarm);
    }

    [Fact]
    public void Raised_alarm_carries_the_opening_time()
    {
        var monitor = new DoorInputMonitor(Options);
        monitor.Observe(new DoorInputs(true, null), T0, DoorRelease.Locked);
        monitor.Observe(new DoorInputs(false, null), T0.AddSeconds(1), new DoorRelease(T0.AddSeconds(3), false));

        var raised = Assert.IsType<DoorInputEvent.AlarmRaised>(
            Assert.Single(monitor.Observe(new DoorInputs(false, null), T0.AddSeconds(8), new DoorRelease(T0.AddSeconds(3), false))));

        Assert.Equal((DoorAlarmKind.HeldOpen, T0.AddSeconds(1)), (raised.Kind, raised.OpenedAt));
    }

    [Fact]
    public void Release_covers_its_pulse_and_the_grace_only()
    {
        var release = new DoorRelease(T0, false);

        Assert.True(release.Covers(T0.AddSeconds(-10), TimeSpan.FromSeconds(1)));
        Assert.True(release.Covers(T0.AddSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.False(release.Covers(T0.AddSeconds(1).AddTicks(1), TimeSpan.FromSeconds(1)));
        Assert.False(DoorRelease.Locked.Covers(T0, TimeSpan.FromDays(1)));
        Assert.True(new DoorRelease(null, true).Covers(T0, TimeSpan.Zero));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DoorInputMonitor(new DoorInputMonitorOptions { HeldOpenAfter = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DoorInputMonitor(new DoorInputMonitorOptions { ReleaseGrace = TimeSpan.FromSeconds(-1) }));
    }

    private static string Describe(DoorInputEvent item)
    {
        var second = (item.At - T0).TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return item switch
        {
            DoorInputEvent.ExitButtonPressed => $"{second}:exit",
            DoorInputEvent.AlarmRaised raised => $"{second}:raised {Name(raised.Kind)}",
            DoorInputEvent.AlarmCleared cleared => $"{second}:cleared {Name(cleared.Kind)} after {cleared.OpenFor.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}s",
            _ => throw new ArgumentOutOfRangeException(nameof(item)),
        };
    }

    private static string Name(DoorAlarmKind kind) => kind == DoorAlarmKind.ForcedOpen ? "forced_open" : "held_open";
}
