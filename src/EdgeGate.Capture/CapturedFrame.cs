using System.Collections.Concurrent;

namespace EdgeGate.Capture;

/// <summary>
/// A frame handed from a camera's capture thread to analysis. Its buffer comes from the camera's
/// pool: whoever ends up with the frame (the analyser, or the hand-off when it drops the frame)
/// calls <see cref="Release"/> exactly once, after which the buffer is reused.
/// </summary>
public sealed class CapturedFrame
{
    private readonly FramePool pool;
    private int released;

    internal CapturedFrame(FramePool pool, CameraCounters camera, BgrFrameBuffer buffer, long arrivalTimestamp, DateTimeOffset arrivedAt)
    {
        this.pool = pool;
        Camera = camera;
        Buffer = buffer;
        ArrivalTimestamp = arrivalTimestamp;
        ArrivedAt = arrivedAt;
    }

    /// <summary>The camera's identity and counters.</summary>
    public CameraCounters Camera { get; }

    public string CameraName => Camera.Name;

    public string DoorName => Camera.Door;

    public BgrFrameBuffer Buffer { get; }

    /// <summary>When the frame arrived in the process (<see cref="TimeProvider.GetTimestamp"/> of the capture's time provider).</summary>
    public long ArrivalTimestamp { get; }

    public DateTimeOffset ArrivedAt { get; }

    /// <summary>Returns the buffer to its pool; later calls do nothing.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            pool.Return(Buffer);
        }
    }
}

/// <summary>Reusable frame buffers of one camera (a few: one being read, the queued ones, the one analysed).</summary>
internal sealed class FramePool(int maximumKept)
{
    private readonly ConcurrentQueue<BgrFrameBuffer> free = new();
    private int kept;

    public BgrFrameBuffer Rent()
    {
        if (free.TryDequeue(out var buffer))
        {
            Interlocked.Decrement(ref kept);
            return buffer;
        }
        return new BgrFrameBuffer();
    }

    public void Return(BgrFrameBuffer buffer)
    {
        if (Interlocked.Increment(ref kept) <= maximumKept)
        {
            free.Enqueue(buffer);
        }
        else
        {
            Interlocked.Decrement(ref kept);
        }
    }
}
