using EdgeGate.Capture;

namespace EdgeGate.Vision.Tests.Capture;

public sealed class FrameHandOffTests
{
    private readonly FramePool pool = new(16);
    private long clock;

    [Fact]
    public void A_busy_camera_drops_its_own_oldest_frame_never_another_cameras()
    {
        var handOff = new FrameHandOff(capacityPerCamera: 1);
        var busy = new CameraCounters("busy", "door");
        var quiet = new CameraCounters("quiet", "door");

        Assert.True(handOff.Write(Frame(quiet, 1)));
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            Assert.True(handOff.Write(Frame(busy, sequence)));
        }

        Assert.Equal(2, handOff.Count);
        Assert.Equal((4, 0), (busy.FramesDropped, quiet.FramesDropped));
        Assert.Equal(4, handOff.DroppedFrames);
        // The quiet camera's frame waited longest: it goes first, then the busy camera's newest.
        Assert.Equal(("quiet", 1L), Take(handOff));
        Assert.Equal(("busy", 5L), Take(handOff));
        Assert.False(handOff.Reader.TryRead(out _));
    }

    [Fact]
    public void The_reader_takes_the_frame_that_waited_longest_so_every_camera_gets_its_turn()
    {
        var handOff = new FrameHandOff(capacityPerCamera: 2);
        var north = new CameraCounters("north", "door");
        var south = new CameraCounters("south", "door");
        handOff.Write(Frame(north, 1));
        handOff.Write(Frame(north, 2));
        handOff.Write(Frame(south, 1));
        handOff.Write(Frame(north, 3));

        Assert.Equal([("north", 2L), ("south", 1L), ("north", 3L)], [Take(handOff), Take(handOff), Take(handOff)]);
        Assert.Equal(1, north.FramesDropped);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_on_a_frame_and_completion_ends_reading_after_the_waiting_frames()
    {
        var handOff = new FrameHandOff(capacityPerCamera: 1);
        var camera = new CameraCounters("gate", "door");
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var waiting = handOff.Reader.ReadAsync(limit.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        handOff.Write(Frame(camera, 7));
        var frame = await waiting;
        Assert.Equal(7, frame.Buffer.SequenceNumber);
        frame.Release();

        handOff.Write(Frame(camera, 8));
        handOff.Complete();
        Assert.False(handOff.Write(Frame(camera, 9)));
        Assert.Equal(("gate", 8L), Take(handOff));
        Assert.False(await handOff.Reader.WaitToReadAsync(limit.Token));
        await handOff.Reader.Completion.WaitAsync(limit.Token);
    }

    private CapturedFrame Frame(CameraCounters camera, long sequence)
    {
        var buffer = pool.Rent();
        buffer.EnsureCapacity(4 * 2 * 3);
        buffer.SetFrame(4, 2, sequence * 100, sequence);
        return new CapturedFrame(pool, camera, buffer, ++clock, DateTimeOffset.UnixEpoch.AddTicks(clock));
    }

    private static (string Camera, long Sequence) Take(FrameHandOff handOff)
    {
        Assert.True(handOff.Reader.TryRead(out var frame));
        var taken = (frame.CameraName, frame.Buffer.SequenceNumber);
        frame.Release();
        return taken;
    }
}
