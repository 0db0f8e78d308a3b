using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Access;
using EdgeGate.Storage.Journal;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>
/// The door contact and exit button on the relay board's discrete inputs, as the gateway runs them:
/// the pymodbus slave on a socat pty plays the board, and the test opens and closes the "door" and
/// presses the "button" by changing the slave's discrete inputs while the gateway polls them.
/// </summary>
[Collection(AccessTimingCollection.Name)]
public sealed class DoorInputIntegrationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Coil = 2;
    private const int DoorContact = 0;
    private const int ExitButton = 1;
    private static readonly TimeSpan PulseLength = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Door closed (NC reed contact ON), button released.</summary>
    private static readonly ModbusSlaveOptions ClosedDoor = new() { DiscreteInputs = [true, false, false, false, false, false, false, false] };

    private SocatPair relayLine = null!;

    public async Task InitializeAsync() => relayLine = await SocatPair.StartAsync();

    public Task DisposeAsync()
    {
        relayLine?.Dispose();
        return Task.CompletedTask;
    }

    private Action<JsonObject> Configure(TimeSpan heldOpenAfter) => configuration =>
    {
        configuration["Doors"] = new JsonArray
        {
            new JsonObject
            {
                ["Name"] = "gate",
                ["Kind"] = "ModbusRtu",
                ["PulseLength"] = PulseLength.ToString(),
                ["HeldOpenAfter"] = heldOpenAfter.ToString(),
                ["ModbusRtu"] = new JsonObject
                {
                    ["Port"] = relayLine.PathB,
                    ["SlaveId"] = 1,
                    ["Coil"] = Coil,
                    ["ResponseTimeout"] = "00:00:00.300",
                    ["Retries"] = 0,
                    ["DoorSensorInput"] = DoorContact,
                    ["ExitButtonInput"] = ExitButton,
                    ["InputPollInterval"] = "00:00:00.100",
                },
            },
        };
    };

    [Fact]
    public async Task Door_opened_while_locked_is_forced_open_on_the_alert_lane_and_closing_it_clears_the_alarm()
    {
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA, ClosedDoor);
        await using var host = await AccessTestHost.StartAsync(Configure(TimeSpan.FromSeconds(30)));
        await WaitForReadingsAsync(host, 2);

        await slave.SetDiscreteInputAsync(DoorContact, false);
        var raised = await host.WaitForFeedAsync<DoorAlarmChanged>(alarm => alarm.Change is DoorInputEvent.AlarmRaised, Wait);
        await slave.SetDiscreteInputAsync(DoorContact, true);
        var cleared = await host.WaitForFeedAsync<DoorAlarmChanged>(alarm => alarm.Change is DoorInputEvent.AlarmCleared, Wait);

        Assert.Equal(DoorAlarmKind.ForcedOpen, Assert.IsType<DoorInputEvent.AlarmRaised>(raised.Change).Kind);
        Assert.Equal(DoorAlarmKind.ForcedOpen, Assert.IsType<DoorInputEvent.AlarmCleared>(cleared.Change).Kind);
        var journal = await host.JournalAsync();
        Assert.Equal([AccessJournal.DoorAlarmType, AccessJournal.DoorAlarmType], journal.Select(entry => entry.Type));
        Assert.Equal((JournalLane.Alert, raised.Seq), (journal[0].Lane, (long?)journal[0].Seq));
        Assert.Equal((JournalLane.Event, cleared.Seq), (journal[1].Lane, (long?)journal[1].Seq));
        using (var payload = JsonDocument.Parse(journal[0].PayloadJson))
        {
            Assert.Equal("gate", payload.RootElement.GetProperty("door").GetString());
            Assert.Equal("forced_open", payload.RootElement.GetProperty("alarm").GetString());
            Assert.Equal("raised", payload.RootElement.GetProperty("state").GetString());
        }
        using (var payload = JsonDocument.Parse(journal[1].PayloadJson))
        {
            Assert.Equal("cleared", payload.RootElement.GetProperty("state").GetString());
            Assert.True(payload.RootElement.GetProperty("openForMilliseconds").GetInt64() > 0);
        }
        Assert.Empty(slave.Events);
    }

    [Fact]
    public async Task Exit_button_press_is_a_granted_exit_that_pulses_the_relay_and_the_door_pushed_open_at_once_is_no_alarm()
    {
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA, ClosedDoor);
        await using var host = await AccessTestHost.StartAsync(Configure(TimeSpan.FromSeconds(30)));
        await WaitForReadingsAsync(host, 2);

        // Pressed, and the door pushed open at once: before the decision has driven the relay.
        await slave.SetDiscreteInputAsync(ExitButton, true);
        await slave.SetDiscreteInputAsync(DoorContact, false);
        var made = await host.WaitForFeedAsync<DecisionMade>(decision => decision.Attempt.Source == AccessAttemptSource.ExitButton, Wait);
        await slave.SetDiscreteInputAsync(ExitButton, false);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == made.Attempt.Id, Wait);
        await slave.SetDiscreteInputAsync(DoorContact, true);
        var readings = host.DoorInputs[0].Readings;
        await WaitForReadingsAsync(host, readings + 3);

        Assert.Equal("GRANTED_EXIT", made.Decision.ReasonCode);
        Assert.True(operated.Outcome.IsDone, operated.Outcome.Describe());
        var coil = await slave.WaitForEventsAsync(events => events.Count >= 2, Wait);
        Assert.Equal([("coil", Coil, 1), ("coil", Coil, 0)], coil.Select(e => (e.Kind, e.Address, e.Value)));
        Assert.DoesNotContain(host.Feed.Recent, item => item is DoorAlarmChanged);
        var journal = await host.JournalAsync();
        Assert.Equal([AccessJournal.DecisionType, AccessJournal.DoorOutcomeType], journal.Select(entry => entry.Type));
        using var payload = JsonDocument.Parse(journal[0].PayloadJson);
        Assert.Equal("exit_button", payload.RootElement.GetProperty("source").GetString());
        Assert.Equal("discrete input 1", payload.RootElement.GetProperty("input").GetString());
        Assert.Single(host.Feed.Recent.OfType<DecisionMade>(), decision => decision.Attempt.Source == AccessAttemptSource.ExitButton);
    }

    [Fact]
    public async Task Door_left_open_after_a_grant_raises_held_open_once_the_allowed_time_is_over()
    {
        var heldOpenAfter = TimeSpan.FromSeconds(1);
        using var slave = await ModbusSlave.StartAsync(relayLine.PathA, ClosedDoor);
        await using var host = await AccessTestHost.StartAsync(Configure(heldOpenAfter));
        await WaitForReadingsAsync(host, 2);
        var attempt = AccessAttempt.ForRemote("office-1", "delivery", "gate", DateTimeOffset.UtcNow);

        await host.Attempts.SubmitAsync(attempt);
        await host.WaitForFeedAsync<DecisionMade>(decision => decision.Attempt.Id == attempt.Id, Wait);
        await slave.WaitForEventsAsync(events => events.Count >= 1, Wait);
        await slave.SetDiscreteInputAsync(DoorContact, false);
        var operated = await host.WaitForFeedAsync<DoorOperated>(door => door.Command.AttemptId == attempt.Id, Wait);
        var raised = await host.WaitForFeedAsync<DoorAlarmChanged>(alarm => alarm.Change is DoorInputEvent.AlarmRaised, Wait);
        await slave.SetDiscreteInputAsync(DoorContact, true);
        var cleared = await host.WaitForFeedAsync<DoorAlarmChanged>(alarm => alarm.Change is DoorInputEvent.AlarmCleared, Wait);

        Assert.True(operated.Outcome.IsDone, operated.Outcome.Describe());
        var alarm = Assert.IsType<DoorInputEvent.AlarmRaised>(raised.Change);
        Assert.Equal(DoorAlarmKind.HeldOpen, alarm.Kind);
        output.WriteLine($"held-open raised {(alarm.At - alarm.OpenedAt).TotalMilliseconds:0} ms after the door opened (allowed {heldOpenAfter.TotalMilliseconds:0} ms after the pulse)");
        Assert.True(alarm.At - alarm.OpenedAt >= heldOpenAfter, $"raised after {alarm.At - alarm.OpenedAt}");
        Assert.Equal(DoorAlarmKind.HeldOpen, Assert.IsType<DoorInputEvent.AlarmCleared>(cleared.Change).Kind);
        var journal = await host.JournalAsync();
        Assert.Equal(
            [AccessJournal.DecisionType, AccessJournal.DoorOutcomeType, AccessJournal.DoorAlarmType, AccessJournal.DoorAlarmType],
            journal.Select(entry => entry.Type));
        Assert.Equal(JournalLane.Alert, journal[2].Lane);
        Assert.Contains("\"held_open\"", journal[2].PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_inputs_are_retried_and_watched_again_when_the_board_answers()
    {
        var slave = await ModbusSlave.StartAsync(relayLine.PathA, ClosedDoor);
        slave.Dispose();
        await using var host = await AccessTestHost.StartAsync(Configure(TimeSpan.FromSeconds(30)));
        var inputs = host.DoorInputs.Single();
        await Eventually.UntilAsync(() => inputs.FailedReadings >= 2, Wait, "the input loop to retry");
        Assert.True(inputs.FailedReadings >= 2, "the input loop did not retry");
        Assert.Equal(0, inputs.Readings);

        using var revived = await ModbusSlave.StartAsync(relayLine.PathA, ClosedDoor);
        await WaitForReadingsAsync(host, 2);
        await revived.SetDiscreteInputAsync(DoorContact, false);
        var raised = await host.WaitForFeedAsync<DoorAlarmChanged>(alarm => alarm.Change is DoorInputEvent.AlarmRaised, Wait);

        Assert.Equal(DoorAlarmKind.ForcedOpen, Assert.IsType<DoorInputEvent.AlarmRaised>(raised.Change).Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(200), inputs.RetryDelay(1));
        Assert.Equal(DoorInputService.MaximumRetryDelay, inputs.RetryDelay(20));
    }

    private static Task WaitForReadingsAsync(AccessTestHost host, long count)
    {
        var inputs = host.DoorInputs.Single();
        return Eventually.UntilAsync(
            () => inputs.Readings >= count,
            Wait,
            $"{count} readings of the door inputs",
            () => $"the door input loop made {inputs.Readings} readings ({inputs.FailedReadings} failed)");
    }
}
