namespace EdgeGate.Capture;

public enum CameraState
{
    /// <summary>Not started, or stopped.</summary>
    Stopped,

    /// <summary>First connection attempt in progress.</summary>
    Connecting,

    /// <summary>Frames are coming.</summary>
    Streaming,

    /// <summary>The stream was lost or an attempt failed; retrying (see the last error).</summary>
    Reconnecting,

    /// <summary>Several attempts in a row failed (wrong URL, camera off): still retrying, at the capped interval.</summary>
    Failed,
}

/// <summary>
/// A snapshot of one camera's capture for health pages, the doctor and the console. The URL and
/// the error never hold the camera's password.
/// </summary>
/// <param name="FramesPerSecondIn">Frames arriving from the camera (read or skipped), over the last second or so.</param>
/// <param name="FramesPerSecondAnalysed">Frames the recognition stage analysed, over the same period.</param>
/// <param name="FramesIn">Frames arrived since start.</param>
/// <param name="FramesHandedOff">Frames converted and queued for analysis.</param>
/// <param name="FramesAnalysed">Frames the recognition stage finished.</param>
/// <param name="FramesDropped">Queued frames dropped because analysis was behind.</param>
/// <param name="StaleFrames">Frames discarded because they were too old on arrival (a stalled stream).</param>
/// <param name="Reconnects">Connections made after the first.</param>
/// <param name="ConsecutiveFailures">Failed attempts (or losses) since the last frame.</param>
/// <param name="NextAttemptAt">When the next connection attempt is due (while waiting to retry).</param>
public sealed record CameraHealth(
    string Name,
    string Door,
    string Url,
    CameraState State,
    double FramesPerSecondIn,
    double FramesPerSecondAnalysed,
    long FramesIn,
    long FramesHandedOff,
    long FramesAnalysed,
    long FramesDropped,
    long StaleFrames,
    int Reconnects,
    int ConsecutiveFailures,
    DateTimeOffset? LastFrameAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? NextAttemptAt);

/// <summary>A camera's identity and its counters, shared by its capture thread, the hand-off and the analyser.</summary>
public sealed class CameraCounters(string name, string door)
{
    private long framesIn;
    private long framesHandedOff;
    private long framesAnalysed;
    private long framesDropped;
    private long staleFrames;
    private volatile bool faceInView;

    public string Name { get; } = name;

    public string Door { get; } = door;

    public long FramesIn => Interlocked.Read(ref framesIn);

    public long FramesHandedOff => Interlocked.Read(ref framesHandedOff);

    public long FramesAnalysed => Interlocked.Read(ref framesAnalysed);

    public long FramesDropped => Interlocked.Read(ref framesDropped);

    public long StaleFrames => Interlocked.Read(ref staleFrames);

    /// <summary>Called by the analyser when it finished a frame of this camera.</summary>
    public void CountAnalysed() => Interlocked.Increment(ref framesAnalysed);

    /// <summary>
    /// Set by recognition while it follows a face on this camera: capture then hands over every frame
    /// of the stream, not only those due at the analysis rate (which applies while nobody is in view).
    /// </summary>
    public bool FaceInView
    {
        get => faceInView;
        set => faceInView = value;
    }

    internal void CountIn() => Interlocked.Increment(ref framesIn);

    internal void CountHandedOff() => Interlocked.Increment(ref framesHandedOff);

    internal void CountDropped() => Interlocked.Increment(ref framesDropped);

    internal void CountStale() => Interlocked.Increment(ref staleFrames);
}

/// <summary>A camera's capture changed state (for logging; the error is already redacted).</summary>
public sealed record CameraStateChange(string CameraName, string Url, CameraState Previous, CameraState Current, string? Error, TimeSpan? RetryIn, int ConsecutiveFailures);
