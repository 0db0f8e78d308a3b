using EdgeGate.Core.Doors;

namespace EdgeGate.Devices.Tests.Relays;

/// <summary>A state change of a door as seen from outside the driver (the slave, the wire, the log).</summary>
public readonly record struct ObservedDoorState(bool Released, TimeSpan At);

/// <summary>
/// The contract every <see cref="IDoorDriver"/> keeps, run against each driver with its real peer:
/// pulses release and relock for about the asked time, holds switch both ways, outcomes are values,
/// a cancelled pulse still relocks, bad arguments throw.
/// </summary>
[Collection(SerialTimingCollection.Name)]
public abstract class DoorDriverContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The driver under test (created in <see cref="InitializeAsync"/>).</summary>
    protected IDoorDriver Driver { get; private set; } = null!;

    /// <summary>Creates the driver and its peer.</summary>
    protected abstract Task<IDoorDriver> CreateDriverAsync();

    /// <summary>Waits until at least <paramref name="count"/> state changes were observed; returns them in order.</summary>
    protected abstract Task<IReadOnlyList<ObservedDoorState>> WaitForStatesAsync(int count, TimeSpan timeout);

    /// <summary>How far the observed pulse length may be from the asked one.</summary>
    protected virtual TimeSpan PulseTolerance => TimeSpan.FromMilliseconds(150);

    public async Task InitializeAsync() => Driver = await CreateDriverAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task Pulse_releases_for_about_the_duration_then_relocks()
    {
        var duration = TimeSpan.FromMilliseconds(600);

        var outcome = await Driver.PulseAsync(duration, CancellationToken.None);

        Assert.True(outcome.IsDone, outcome.Describe());
        var states = await WaitForStatesAsync(2, PeerTimeout);
        Assert.Equal([true, false], states.Take(2).Select(s => s.Released));
        var held = states[1].At - states[0].At;
        Assert.True(held >= duration - TimeSpan.FromMilliseconds(20) && held <= duration + PulseTolerance,
            $"released for {held.TotalMilliseconds:0} ms, asked {duration.TotalMilliseconds:0} ms (+{PulseTolerance.TotalMilliseconds:0} ms allowed)");
    }

    [Fact]
    public async Task Hold_released_then_locked_switches_both_ways()
    {
        var release = await Driver.SetAsync(released: true, CancellationToken.None);
        var relock = await Driver.SetAsync(released: false, CancellationToken.None);

        Assert.True(release.IsDone, release.Describe());
        Assert.True(relock.IsDone, relock.Describe());
        var states = await WaitForStatesAsync(2, PeerTimeout);
        Assert.Equal([true, false], states.Take(2).Select(s => s.Released));
    }

    [Fact]
    public async Task Cancelled_pulse_still_relocks_and_throws()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Driver.PulseAsync(TimeSpan.FromSeconds(20), cancellation.Token));

        var states = await WaitForStatesAsync(2, PeerTimeout);
        Assert.Equal([true, false], states.Take(2).Select(s => s.Released));
        Assert.True(states[1].At - states[0].At < TimeSpan.FromSeconds(5), "relocked soon after the cancellation");
    }

    [Fact]
    public async Task Inputs_are_read_when_supported_otherwise_not_supported()
    {
        var reading = await Driver.ReadInputsAsync(CancellationToken.None);

        var hasInputs = (Driver.Capabilities & (DoorDriverCapabilities.DoorSensor | DoorDriverCapabilities.ExitButton)) != 0;
        if (hasInputs)
        {
            Assert.True(reading.Outcome.IsDone, reading.Outcome.Describe());
            Assert.NotNull(reading.Inputs);
            Assert.Equal((Driver.Capabilities & DoorDriverCapabilities.DoorSensor) != 0, reading.Inputs.DoorClosed.HasValue);
            Assert.Equal((Driver.Capabilities & DoorDriverCapabilities.ExitButton) != 0, reading.Inputs.ExitButtonPressed.HasValue);
        }
        else
        {
            Assert.IsType<DoorCommandOutcome.NotSupported>(reading.Outcome);
            Assert.Null(reading.Inputs);
        }
    }

    [Fact]
    public async Task Capabilities_include_pulse_and_hold_and_bad_durations_throw()
    {
        Assert.True(Driver.Capabilities.HasFlag(DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Driver.PulseAsync(TimeSpan.Zero, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Driver.PulseAsync(TimeSpan.FromSeconds(-1), CancellationToken.None));
    }
}
