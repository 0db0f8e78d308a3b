using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace EdgeGate.Capture;

/// <summary>
/// The bounded hand-off from the capture threads to analysis, one small queue per camera. When a
/// camera's queue is full its OLDEST waiting frame is dropped (a gate needs the newest view, not a
/// backlog), counted against that camera and its buffer released: a busy camera never pushes out
/// another camera's frame. The reader takes the frame that has waited longest across cameras, so
/// every camera gets its turn. Capture never blocks on it.
/// </summary>
public sealed class FrameHandOff
{
    private readonly Lock gate = new();
    private readonly Dictionary<CameraCounters, Queue<CapturedFrame>> waiting = new(ReferenceEqualityComparer.Instance);
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<bool>? written;
    private bool completed;
    private int count;
    private long droppedFrames;

    /// <param name="capacityPerCamera">Frames that may wait per camera (1 keeps latency lowest).</param>
    public FrameHandOff(int capacityPerCamera)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPerCamera, 1);
        CapacityPerCamera = capacityPerCamera;
        Reader = new HandOffReader(this);
    }

    public int CapacityPerCamera { get; }

    /// <summary>Frames waiting now (all cameras).</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>Frames dropped because analysis was behind (all cameras).</summary>
    public long DroppedFrames => Interlocked.Read(ref droppedFrames);

    /// <summary>Read by the recognition loop: the frame that has waited longest, of any camera.</summary>
    public ChannelReader<CapturedFrame> Reader { get; }

    /// <summary>Queues a frame, dropping its camera's oldest waiting one when full. False after <see cref="Complete"/> (the frame is released).</summary>
    public bool Write(CapturedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        CapturedFrame? dropped = null;
        TaskCompletionSource<bool>? wake = null;
        lock (gate)
        {
            if (completed)
            {
                frame.Release();
                return false;
            }
            if (!waiting.TryGetValue(frame.Camera, out var queue))
            {
                queue = new Queue<CapturedFrame>(CapacityPerCamera);
                waiting.Add(frame.Camera, queue);
            }
            if (queue.Count == CapacityPerCamera)
            {
                dropped = queue.Dequeue();
                count--;
            }
            queue.Enqueue(frame);
            count++;
            (wake, written) = (written, null);
        }
        if (dropped is not null)
        {
            Interlocked.Increment(ref droppedFrames);
            dropped.Camera.CountDropped();
            dropped.Release();
        }
        wake?.TrySetResult(true);
        return true;
    }

    /// <summary>No more frames: readers finish after the waiting ones.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? wake;
        lock (gate)
        {
            if (completed)
            {
                return;
            }
            completed = true;
            wake = written;
            written = null;
            if (count == 0)
            {
                completion.TrySetResult();
            }
        }
        wake?.TrySetResult(false);
    }

    private bool TryTake([MaybeNullWhen(false)] out CapturedFrame frame)
    {
        lock (gate)
        {
            Queue<CapturedFrame>? oldest = null;
            foreach (var queue in waiting.Values)
            {
                if (queue.Count > 0 && (oldest is null || queue.Peek().ArrivalTimestamp < oldest.Peek().ArrivalTimestamp))
                {
                    oldest = queue;
                }
            }
            if (oldest is null)
            {
                frame = null;
                return false;
            }
            frame = oldest.Dequeue();
            count--;
            if (completed && count == 0)
            {
                completion.TrySetResult();
            }
            return true;
        }
    }

    private ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        Task<bool> wait;
        lock (gate)
        {
            if (count > 0)
            {
                return ValueTask.FromResult(true);
            }
            if (completed)
            {
                return ValueTask.FromResult(false);
            }
            written ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = written.Task;
        }
        return new ValueTask<bool>(wait.WaitAsync(cancellationToken));
    }

    private sealed class HandOffReader(FrameHandOff handOff) : ChannelReader<CapturedFrame>
    {
        public override Task Completion => handOff.completion.Task;

        public override bool CanCount => true;

        public override int Count => handOff.Count;

        public override bool TryRead([MaybeNullWhen(false)] out CapturedFrame item) => handOff.TryTake(out item);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => handOff.WaitToReadAsync(cancellationToken);
    }
}
