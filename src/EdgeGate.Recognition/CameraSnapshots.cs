using EdgeGate.Imaging;

namespace EdgeGate.Recognition;

/// <summary>
/// The latest frame of each camera for the console's camera tiles, kept only while someone looks.
/// The recognition loop offers every frame it has analysed; a frame is copied only while a viewer
/// asked within <see cref="WantedFor"/>, and at most once per <see cref="CopyInterval"/> per camera.
/// The JPEG is encoded on the viewer's request thread, at most once per copy, so recognition never
/// waits for an encoder. Thread-safe: one recognition loop offers, any number of requests read.
/// </summary>
public sealed class CameraSnapshots
{
    /// <summary>At most one copy per camera this often (the console refreshes every few seconds).</summary>
    public static readonly TimeSpan CopyInterval = TimeSpan.FromSeconds(1);

    /// <summary>Frames are copied for this long after the last request.</summary>
    public static readonly TimeSpan WantedFor = TimeSpan.FromSeconds(15);

    /// <summary>An older copy is not shown: the camera has stopped delivering (its tile says why).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(5);

    /// <summary>How long a request waits for a fresh copy when there is none (the first look at a camera).</summary>
    public static readonly TimeSpan FirstFrameWait = TimeSpan.FromSeconds(2);

    public const int JpegQuality = 80;

    private readonly Dictionary<string, Slot> slots;
    private readonly TimeProvider timeProvider;

    public CameraSnapshots(IEnumerable<string> cameraNames, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(cameraNames);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.timeProvider = timeProvider;
        slots = cameraNames.Distinct(StringComparer.Ordinal).ToDictionary(name => name, _ => new Slot(), StringComparer.Ordinal);
    }

    /// <summary>Frames copied so far, all cameras (for tests and diagnostics).</summary>
    public long FramesCopied => Interlocked.Read(ref framesCopied);

    private long framesCopied;

    /// <summary>
    /// Called by the recognition loop with each analysed frame (BGR). Returns at once unless a viewer
    /// is waiting and the last copy is older than <see cref="CopyInterval"/>; never blocks on a reader.
    /// </summary>
    public void Offer(string cameraName, ReadOnlyImageSpan frame)
    {
        if (!slots.TryGetValue(cameraName, out var slot))
        {
            return;
        }
        var now = timeProvider.GetTimestamp();
        if (now > Volatile.Read(ref slot.WantedUntil))
        {
            return;
        }
        var copiedAt = Volatile.Read(ref slot.CopiedAt);
        if (copiedAt != 0 && timeProvider.GetElapsedTime(copiedAt, now) < CopyInterval)
        {
            return;
        }
        // A request encoding the previous copy holds the slot: skip this frame, the next one is copied.
        if (!slot.Gate.TryEnter())
        {
            return;
        }
        TaskCompletionSource? waiting;
        try
        {
            var length = frame.Width * frame.Channels;
            var required = length * frame.Height;
            if (slot.Pixels.Length < required)
            {
                slot.Pixels = new byte[required];
            }
            for (var y = 0; y < frame.Height; y++)
            {
                frame.Row(y).CopyTo(slot.Pixels.AsSpan(y * length, length));
            }
            slot.Width = frame.Width;
            slot.Height = frame.Height;
            slot.Format = frame.Format;
            slot.Version++;
            Volatile.Write(ref slot.CopiedAt, now);
            waiting = slot.Waiting;
            slot.Waiting = null;
        }
        finally
        {
            slot.Gate.Exit();
        }
        Interlocked.Increment(ref framesCopied);
        // Continuations run asynchronously: the recognition loop goes straight back to work.
        waiting?.TrySetResult();
    }

    /// <summary>
    /// The camera's latest frame as JPEG, no older than <see cref="StaleAfter"/>; waits up to
    /// <see cref="FirstFrameWait"/> when there is no such frame yet. Null for an unknown camera or
    /// one that delivers no frames.
    /// </summary>
    public async Task<byte[]?> GetLatestJpegAsync(string cameraName, CancellationToken cancellationToken)
    {
        if (!slots.TryGetValue(cameraName, out var slot))
        {
            return null;
        }
        var now = timeProvider.GetTimestamp();
        Volatile.Write(ref slot.WantedUntil, now + (long)(WantedFor.TotalSeconds * timeProvider.TimestampFrequency));
        Task waitForCopy;
        lock (slot.Gate)
        {
            if (TryEncode(slot, now) is { } jpeg)
            {
                return jpeg;
            }
            slot.Waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waitForCopy = slot.Waiting.Task;
        }
        try
        {
            await waitForCopy.WaitAsync(FirstFrameWait, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        lock (slot.Gate)
        {
            return TryEncode(slot, timeProvider.GetTimestamp());
        }
    }

    /// <summary>Encodes the slot's copy if it is fresh (once per copy); caller holds the slot's gate.</summary>
    private byte[]? TryEncode(Slot slot, long now)
    {
        if (slot.CopiedAt == 0 || timeProvider.GetElapsedTime(slot.CopiedAt, now) > StaleAfter)
        {
            return null;
        }
        if (slot.JpegVersion != slot.Version)
        {
            var stride = slot.Width * slot.Format.BytesPerPixel();
            slot.Jpeg = ImageOps.EncodeJpeg(new ReadOnlyImageSpan(slot.Pixels, slot.Width, slot.Height, stride, slot.Format), JpegQuality);
            slot.JpegVersion = slot.Version;
        }
        return slot.Jpeg;
    }

    private sealed class Slot
    {
        public readonly Lock Gate = new();
        public long WantedUntil = long.MinValue;
        public long CopiedAt;

        // Guarded by Gate.
        public byte[] Pixels = [];
        public int Width;
        public int Height;
        public PixelFormat Format;
        public long Version;
        public byte[]? Jpeg;
        public long JpegVersion;
        public TaskCompletionSource? Waiting;
    }
}
