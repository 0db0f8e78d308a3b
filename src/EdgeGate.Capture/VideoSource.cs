using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Capture;

/// <summary>
/// A video stream (rtsp://, http://) or file read with FFmpeg through the native shim (libavformat,
/// libavcodec without frame threading, libswscale to BGR straight into the caller's buffer).
/// Synchronous and blocking: a capture loop owns it on its own thread. Reads cannot be aborted, only
/// timed out (the read timeout given at open); <see cref="Dispose"/> waits for a read in progress to
/// return. A stalled stream can deliver one stale frame before timing out: check each frame's age.
/// </summary>
public sealed class VideoSource : IDisposable
{
    private readonly SafeCaptureHandle handle;
    private long sequenceNumber;

    private VideoSource(SafeCaptureHandle handle, int frameWidth, int frameHeight)
    {
        this.handle = handle;
        FrameWidth = frameWidth;
        FrameHeight = frameHeight;
    }

    /// <summary>Frame width reported by the stream at open (0 when unknown).</summary>
    public int FrameWidth { get; }

    public int FrameHeight { get; }

    /// <summary>Frame rate the stream declares (may be 0 or a nominal value for live streams).</summary>
    public double FramesPerSecond => NativeMethods.CaptureGet(handle, 5);

    /// <summary>Frames in a file (0 or an estimate for live streams).</summary>
    public double FrameCount => NativeMethods.CaptureGet(handle, 7);

    /// <summary>Position of the last frame read, in milliseconds.</summary>
    public double PositionMilliseconds => NativeMethods.CaptureGet(handle, 0);

    /// <summary>
    /// The default FFmpeg options: RTSP over TCP, small probe size and analysis time (first frame in
    /// a fraction of a second instead of seconds). Measured with <c>edgegate bench gate</c>: the
    /// demuxer's low-delay options (<c>fflags;nobuffer</c>, <c>max_delay;0</c>, <c>reorder_queue_size;0</c>)
    /// changed nothing on RTSP over TCP (glass→frame 141–175 ms with and without them through OpenCV);
    /// what held frames back was the decoder's frame threading, which the shim no longer uses.
    /// </summary>
    public const string DefaultFfmpegOptions = "rtsp_transport;tcp|probesize;32768|analyzeduration;200000";

    /// <summary>
    /// Opens a URL or file path. Fails with <see cref="OpenCvException"/> (a readable message, password
    /// masked) when it cannot be opened within <paramref name="openTimeout"/>. Opens of different
    /// cameras do not wait for each other.
    /// </summary>
    /// <param name="ffmpegOptions">
    /// FFmpeg options ("key;value|key;value"), replacing the default entirely; keep
    /// <c>rtsp_transport;tcp</c> in it. <c>threads</c> (decoder threads, default 1) and <c>avdiscard</c>
    /// go to the decoder (e.g. add <c>|avdiscard;nonkey</c> to decode key frames only), the rest to libavformat.
    /// </param>
    public static VideoSource Open(string url, TimeSpan openTimeout, TimeSpan readTimeout, string? ffmpegOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var capture = NativeMethods.OpenCapture(url, Milliseconds(openTimeout), Milliseconds(readTimeout), ffmpegOptions ?? DefaultFfmpegOptions);
        try
        {
            var (width, height) = NativeMethods.CaptureFrameSize(capture);
            return new VideoSource(capture, width, height);
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads and decodes the next frame into <paramref name="frame"/> (growing it if needed).
    /// False when no frame came: the end of a file, or a live stream that ended or timed out.
    /// </summary>
    public bool TryRead(BgrFrameBuffer frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var width = FrameWidth > 0 ? FrameWidth : frame.Width;
        var height = FrameHeight > 0 ? FrameHeight : frame.Height;
        if (width > 0 && height > 0)
        {
            frame.EnsureCapacity(checked(width * height * 3));
        }
        if (!NativeMethods.CaptureRead(handle, frame.WritableMemory, 0, out var fits, out width, out height, out var timestamp))
        {
            return false;
        }
        if (!fits)
        {
            frame.EnsureCapacity(checked(width * height * 3));
            NativeMethods.CaptureCopyFrame(handle, frame.WritableMemory, 0);
        }
        frame.SetFrame(width, height, timestamp, ++sequenceNumber);
        return true;
    }

    /// <summary>Advances one frame without converting it (to skip frames); false as for <see cref="TryRead"/>.</summary>
    public bool Grab() => NativeMethods.CaptureGrab(handle);

    public void Dispose() => handle.Dispose();

    private static int Milliseconds(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
    }
}
