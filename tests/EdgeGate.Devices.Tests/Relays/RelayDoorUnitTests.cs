using EdgeGate.Core.Doors;
using EdgeGate.Devices.Relays;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Devices.Tests.Relays;

/// <summary>Pure parts of the relay drivers: wiring table, LCUS frames, LogDoor on a fake clock, a failing stream.</summary>
public sealed class RelayDoorUnitTests
{
    [Theory]
    [InlineData(LockPowering.FailSecure, RelayContact.NormallyOpen, true)]
    [InlineData(LockPowering.FailSecure, RelayContact.NormallyClosed, false)]
    [InlineData(LockPowering.FailSafe, RelayContact.NormallyClosed, true)]
    [InlineData(LockPowering.FailSafe, RelayContact.NormallyOpen, false)]
    public void Released_relay_state_follows_lock_kind_and_contact(LockPowering lockPowering, RelayContact contact, bool relayOnReleases)
    {
        var wiring = new RelayWiring(lockPowering, contact);

        Assert.Equal(relayOnReleases, wiring.RelayStateFor(released: true));
        Assert.Equal(!relayOnReleases, wiring.RelayStateFor(released: false));
    }

    [Theory]
    [InlineData(1, true, "A00101A2")]
    [InlineData(1, false, "A00100A1")]
    [InlineData(2, true, "A00201A3")]
    [InlineData(4, false, "A00400A4")]
    public void Lcus_frames_carry_the_checksum(byte channel, bool on, string expected)
    {
        Assert.Equal(expected, Convert.ToHexString(LcusRelayFraming.BuildSwitch(channel, on)));
    }

    [Fact]
    public async Task Log_door_pulse_waits_on_the_time_provider_and_records_both_changes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var observed = new List<DoorActivity>();
        using var door = new LogDoor(time, observed.Add);

        var pulse = door.PulseAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.True(door.IsReleased);
        Assert.False(pulse.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(3));
        var outcome = await pulse.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("done: logged a 3000 ms pulse", outcome.Describe());
        Assert.False(door.IsReleased);
        Assert.Equal(2, observed.Count);
        Assert.Equal(TimeSpan.FromSeconds(3), door.History[1].At - door.History[0].At);
    }

    [Fact]
    public async Task Lcus_write_failure_is_a_transport_error()
    {
        using var door = new LcusRelayDoor(new FailingStream(), new LcusRelayDoorOptions { RelockAttempts = 2, RelockRetryDelay = TimeSpan.Zero });

        var outcome = await door.PulseAsync(TimeSpan.FromMilliseconds(10), CancellationToken.None);

        var error = Assert.IsType<DoorCommandOutcome.TransportError>(outcome);
        Assert.Contains("adapter unplugged", error.Message, StringComparison.Ordinal);
    }

    private sealed class FailingStream : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get; set; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("adapter unplugged");
    }
}
