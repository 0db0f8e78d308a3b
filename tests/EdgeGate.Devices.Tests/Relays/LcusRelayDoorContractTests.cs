using System.Diagnostics;
using EdgeGate.Core.Doors;
using EdgeGate.Devices.Relays;
using EdgeGate.Devices.Serial;
using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Devices.Tests.Relays;

/// <summary>
/// The contract against <see cref="LcusRelayDoor"/> on a pty; the other end plays the relay module
/// and decodes the bytes exactly as they come off the wire.
/// </summary>
public sealed class LcusRelayDoorContractTests : DoorDriverContractTests
{
    private readonly List<(byte[] Frame, TimeSpan At)> frames = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private SocatPair pair = null!;
    private SerialPortStream port = null!;
    private SerialPortStream module = null!;
    private Task listener = Task.CompletedTask;

    protected override async Task<IDoorDriver> CreateDriverAsync()
    {
        pair = await SocatPair.StartAsync();
        module = SerialPortStream.Open(pair.PathA, LcusRelayFraming.BaudRate);
        port = SerialPortStream.Open(pair.PathB, LcusRelayFraming.BaudRate);
        listener = ListenAsync();
        return new LcusRelayDoor(port, new LcusRelayDoorOptions { Channel = 1 });
    }

    /// <summary>Every 4-byte frame the "module" received, in order.</summary>
    internal IReadOnlyList<byte[]> Frames
    {
        get
        {
            lock (frames)
            {
                return frames.Select(f => f.Frame).ToArray();
            }
        }
    }

    private async Task ListenAsync()
    {
        var pending = new List<byte>();
        var buffer = new byte[64];
        try
        {
            while (true)
            {
                var count = await module.ReadAsync(buffer, stop.Token);
                if (count == 0)
                {
                    return;
                }
                pending.AddRange(buffer.AsSpan(0, count).ToArray());
                while (pending.Count >= 4)
                {
                    var frame = pending.Take(4).ToArray();
                    pending.RemoveRange(0, 4);
                    lock (frames)
                    {
                        frames.Add((frame, clock.Elapsed));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected override async Task<IReadOnlyList<ObservedDoorState>> WaitForStatesAsync(int count, TimeSpan timeout)
    {
        await Eventually.UntilAsync(
            () =>
            {
                lock (frames)
                {
                    return frames.Count >= count;
                }
            },
            timeout,
            $"{count} relay frames");
        lock (frames)
        {
            Assert.True(frames.Count >= count, $"{frames.Count} frames, expected {count}");
            foreach (var (frame, _) in frames)
            {
                Assert.True(frame.AsSpan().SequenceEqual(LcusRelayFraming.BuildSwitch(1, true)) || frame.AsSpan().SequenceEqual(LcusRelayFraming.BuildSwitch(1, false)),
                    $"unexpected frame {Convert.ToHexString(frame)}");
            }
            var origin = frames[0].At;
            return frames.Select(f => new ObservedDoorState(f.Frame[2] == 1, f.At - origin)).ToArray();
        }
    }

    [Fact]
    public async Task Bytes_on_the_wire_are_exactly_the_LCUS_frames()
    {
        var release = await Driver.SetAsync(released: true, CancellationToken.None);
        var relock = await Driver.SetAsync(released: false, CancellationToken.None);

        Assert.Equal("done: channel 1 held released, no reply expected", release.Describe());
        Assert.True(relock.IsDone);
        await WaitForStatesAsync(2, PeerTimeout);
        Assert.Equal(["A00101A2", "A00100A1"], Frames.Select(Convert.ToHexString));
    }

    public override async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await listener;
        port?.Dispose();
        module?.Dispose();
        pair?.Dispose();
        stop.Dispose();
    }
}
