using System.Threading.Channels;

namespace EdgeGate.Vision.Capture;

/// <summary>
/// The bounded hand-off from the capture threads to analysis. When analysis falls behind, the
/// OLDEST waiting frame is dropped (a gate needs the newest view, not a backlog), counted against
/// its camera and its buffer released. Capture never blocks on it.
/// </summary>
public sealed class FrameHandOff
{
    private readonly Channel<CapturedFrame> channel;

    /// <param name="capacity">Frames that may wait (e.g. two per camera).</param>
    public FrameHandOff(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        channel = Channel.CreateBounded<CapturedFrame>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = false,
                SingleWriter = false,
            },
            Dropped);
    }

    public int Capacity { get; }

    /// <summary>Frames waiting now.</summary>
    public int Count => channel.Reader.Count;

    /// <summary>Frames dropped because analysis was behind (all cameras).</summary>
    public long DroppedFrames => Interlocked.Read(ref droppedFrames);

    private long droppedFrames;

    public ChannelReader<CapturedFrame> Reader => channel.Reader;

    /// <summary>Queues a frame, dropping the oldest waiting one when full. False after <see cref="Complete"/> (the frame is released).</summary>
    public bool Write(CapturedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (channel.Writer.TryWrite(frame))
        {
            return true;
        }
        frame.Release();
        return false;
    }

    /// <summary>No more frames: readers finish after the waiting ones.</summary>
    public void Complete() => channel.Writer.TryComplete();

    private void Dropped(CapturedFrame frame)
    {
        Interlocked.Increment(ref droppedFrames);
        frame.Camera.CountDropped();
        frame.Release();
    }
}
