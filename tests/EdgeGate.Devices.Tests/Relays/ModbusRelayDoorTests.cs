using System.Diagnostics;
using EdgeGate.Core.Doors;
using EdgeGate.Devices.Modbus;
using EdgeGate.Devices.Relays;
using EdgeGate.Devices.Serial;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Devices.Tests.Relays;

/// <summary><see cref="ModbusRelayDoor"/> against the pymodbus slave on a pty: pulse timing as the slave saw it, failures, options.</summary>
[Collection(SerialTimingCollection.Name)]
public sealed class ModbusRelayDoorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMilliseconds(300);
    private SocatPair pair = null!;
    private SerialPortStream port = null!;
    private ModbusRtuClient client = null!;

    public async Task InitializeAsync()
    {
        pair = await SocatPair.StartAsync();
        port = SerialPortStream.Open(pair.PathB, 9600);
        client = new ModbusRtuClient(port, new ModbusRtuClientOptions { ResponseTimeout = ResponseTimeout });
    }

    public Task DisposeAsync()
    {
        client?.Dispose();
        port?.Dispose();
        pair?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Pulse_turns_the_slave_coil_on_for_the_pulse_length_and_off_again()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA);
        using var door = new ModbusRelayDoor(client, new ModbusRelayDoorOptions { SlaveId = 1, RelayCoil = 3 });
        var duration = TimeSpan.FromMilliseconds(500);

        var outcomes = new List<DoorCommandOutcome>();
        for (var pulse = 0; pulse < 3; pulse++)
        {
            outcomes.Add(await door.PulseAsync(duration, CancellationToken.None));
        }

        Assert.All(outcomes, outcome => Assert.True(outcome.IsDone, outcome.Describe()));
        var events = await slave.WaitForEventsAsync(e => e.Count >= 6, TimeSpan.FromSeconds(5));
        Assert.All(events, e => Assert.Equal(("coil", 3), (e.Kind, e.Address)));
        Assert.Equal([1, 0, 1, 0, 1, 0], events.Select(e => e.Value));
        var held = Enumerable.Range(0, 3).Select(i => TimeSpan.FromSeconds(events[(2 * i) + 1].MonotonicSeconds - events[2 * i].MonotonicSeconds)).ToArray();
        output.WriteLine($"asked 500 ms, slave saw the coil ON for {string.Join(", ", held.Select(h => $"{h.TotalMilliseconds:0.0}"))} ms");
        Assert.All(held, h => Assert.True(h >= duration - TimeSpan.FromMilliseconds(20) && h <= duration + TimeSpan.FromMilliseconds(150), $"{h.TotalMilliseconds:0} ms"));
        Assert.Contains("released and relocked after", outcomes[0].Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_slave_gives_no_response_within_the_timeout()
    {
        var slave = await ModbusSlave.StartAsync(pair.PathA);
        using var door = new ModbusRelayDoor(client, new ModbusRelayDoorOptions { RelockAttempts = 2, RelockRetryDelay = TimeSpan.FromMilliseconds(50) });
        // One answered command first, so the timing below measures the timeout, not a cold JIT.
        Assert.True((await door.SetAsync(released: false, CancellationToken.None)).IsDone);
        slave.Dispose();
        var watch = Stopwatch.StartNew();

        var hold = await door.SetAsync(released: true, CancellationToken.None);
        var holdTime = watch.Elapsed;
        var pulse = await door.PulseAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);

        var noResponse = Assert.IsType<DoorCommandOutcome.NoResponse>(hold);
        Assert.InRange(holdTime, ResponseTimeout, ResponseTimeout + TimeSpan.FromMilliseconds(300));
        var pulseNoResponse = Assert.IsType<DoorCommandOutcome.NoResponse>(pulse);
        Assert.Contains("the relock failed too", pulseNoResponse.Detail, StringComparison.Ordinal);
        output.WriteLine($"hold: {noResponse.Describe()} after {holdTime.TotalMilliseconds:0} ms; pulse: {pulse.Describe()}");
    }

    [Fact]
    public async Task Slave_refusing_the_coil_is_rejected_with_the_exception_code()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA);
        using var door = new ModbusRelayDoor(client, new ModbusRelayDoorOptions { RelayCoil = 200 });

        var outcome = await door.SetAsync(released: true, CancellationToken.None);

        var rejected = Assert.IsType<DoorCommandOutcome.Rejected>(outcome);
        Assert.Equal(2, rejected.Code);
    }

    [Fact]
    public async Task Fail_safe_lock_on_a_normally_open_contact_releases_with_the_relay_off()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA);
        using var door = new ModbusRelayDoor(client, new ModbusRelayDoorOptions
        {
            Wiring = new RelayWiring(LockPowering.FailSafe, RelayContact.NormallyOpen),
        });

        var outcome = await door.PulseAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);

        Assert.True(outcome.IsDone, outcome.Describe());
        var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));
        Assert.Equal([0, 1], events.Select(e => e.Value));
    }

    [Fact]
    public async Task Device_timed_pulse_is_one_register_write()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA);
        using var door = new ModbusRelayDoor(client, new ModbusRelayDoorOptions
        {
            RelayCoil = 0,
            DevicePulse = new ModbusDevicePulseOptions { Register = 1, CommandBase = 0x0600, Unit = TimeSpan.FromSeconds(1) },
        });
        var watch = Stopwatch.StartNew();

        var outcome = await door.PulseAsync(TimeSpan.FromMilliseconds(1500), CancellationToken.None);

        Assert.True(outcome.IsDone, outcome.Describe());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "the board times the pulse: the call does not wait for it");
        Assert.True(door.Capabilities.HasFlag(DoorDriverCapabilities.DeviceTimedPulse));
        var events = await slave.WaitForEventsAsync(e => e.Count >= 1, TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { ("register", 1, 0x0602) }, events.Select(e => (e.Kind, e.Address, e.Value)));
    }

    [Fact]
    public async Task Door_contact_and_exit_button_are_read_from_discrete_inputs()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA, new ModbusSlaveOptions { DiscreteInputs = [false, false, true, false, true, false, false, false] });
        using var door = new ModbusRelayDoor(client, new ModbusRelayDoorOptions { DoorSensorInput = 4, ExitButtonInput = 2 });
        using var inverted = new ModbusRelayDoor(client, new ModbusRelayDoorOptions { DoorSensorInput = 4, DoorSensorOnMeansClosed = false });

        var reading = await door.ReadInputsAsync(CancellationToken.None);
        var invertedReading = await inverted.ReadInputsAsync(CancellationToken.None);

        Assert.True(reading.Outcome.IsDone, reading.Outcome.Describe());
        Assert.Equal(new DoorInputs(DoorClosed: true, ExitButtonPressed: true), reading.Inputs);
        Assert.Equal(new DoorInputs(DoorClosed: false, ExitButtonPressed: null), invertedReading.Inputs);
    }

    [Fact]
    public async Task Closed_line_is_a_transport_error()
    {
        using var door = new ModbusRelayDoor(client, new ModbusRelayDoorOptions { RelockAttempts = 1 });
        pair.Kill();

        var outcome = await door.SetAsync(released: true, CancellationToken.None);

        Assert.IsType<DoorCommandOutcome.TransportError>(outcome);
    }
}
