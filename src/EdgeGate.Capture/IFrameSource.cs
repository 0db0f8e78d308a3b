namespace EdgeGate.Capture;

/// <summary>
/// A blocking source of frames owned by one capture thread (an open <see cref="VideoSource"/>;
/// tests substitute scripted sources). Both calls return false when the stream ended or stalled
/// beyond the read timeout; the owner then disposes it and reconnects.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>Reads and converts the next frame into <paramref name="frame"/>.</summary>
    bool TryRead(BgrFrameBuffer frame);

    /// <summary>Advances one frame without converting it.</summary>
    bool Grab();
}

/// <summary>Opens a frame source; throws when the camera cannot be opened (the message is logged, redacted).</summary>
public delegate IFrameSource FrameSourceOpener(string url, TimeSpan openTimeout, TimeSpan readTimeout);

/// <summary>An <see cref="IFrameSource"/> over OpenCV's FFMPEG capture.</summary>
public sealed class VideoFrameSource(VideoSource source) : IFrameSource
{
    /// <summary>Opens through <see cref="VideoSource.Open"/> with the given FFMPEG options (null = the default: RTSP over TCP).</summary>
    public static FrameSourceOpener Opener(string? ffmpegOptions = null) =>
        (url, openTimeout, readTimeout) => new VideoFrameSource(VideoSource.Open(url, openTimeout, readTimeout, ffmpegOptions));

    public VideoSource Source { get; } = source ?? throw new ArgumentNullException(nameof(source));

    public bool TryRead(BgrFrameBuffer frame) => Source.TryRead(frame);

    public bool Grab() => Source.Grab();

    public void Dispose() => Source.Dispose();
}
