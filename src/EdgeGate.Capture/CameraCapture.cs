using EdgeGate.Core;

namespace EdgeGate.Capture;

/// <summary>What one camera's capture does and how it retries.</summary>
/// <param name="Name">Camera name (logs, health, candidates).</param>
/// <param name="Door">The door the camera watches.</param>
/// <param name="Url">rtsp://user:password@host/path or a file; never logged with the password.</param>
/// <param name="AnalyseFps">Frames per second handed to analysis while nobody is in view (every frame while
/// <see cref="CameraCounters.FaceInView"/>); the others are decoded without conversion.</param>
public sealed record CameraCaptureSettings(string Name, string Door, string Url, double AnalyseFps)
{
    /// <summary>Limit for one open (connecting, describing and probing the stream).</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A read waiting longer than this counts as a lost stream.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the first retry; doubles per failure up to <see cref="MaximumBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaximumBackoff { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>A frame arriving this much later than the stream's own clock says is stale (a stall) and is not analysed.</summary>
    public TimeSpan MaximumFrameAge { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After this many failures in a row the state is <see cref="CameraState.Failed"/>.</summary>
    public int FailuresBeforeFailed { get; init; } = 3;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(Url);
        if (!(AnalyseFps > 0 && AnalyseFps <= 120))
        {
            throw new ArgumentOutOfRangeException(nameof(AnalyseFps), AnalyseFps, "must be in (0, 120]");
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OpenTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumBackoff, InitialBackoff);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaximumFrameAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(FailuresBeforeFailed, 1);
    }

    /// <summary>
    /// The wait before attempt number <paramref name="failures"/> + 1: initial × 2^(failures − 1), capped
    /// (<see cref="RetryPacing.Longest"/>). Not jittered: a camera is this gateway's own peer, which no
    /// fleet retries in step, and the state change announces exactly when the next attempt comes.
    /// </summary>
    public TimeSpan BackoffAfter(int failures) => RetryPacing.Doubling(InitialBackoff, MaximumBackoff).Longest(failures, TimeSpan.Zero);
}

/// <summary>
/// One camera's capture loop on its own thread (reads block and cannot be aborted): open with
/// timeouts, read continuously so no lag builds up, convert and hand over every frame while
/// recognition follows a face and only frames due at the analysis rate otherwise (the rest are
/// grabbed), drop frames that are stale on arrival, and reconnect with capped exponential backoff.
/// Constructing starts nothing; <see cref="Start"/> starts the thread.
/// </summary>
public sealed class CameraCapture : IAsyncDisposable
{
    private const int ConsecutiveStaleFramesToResynchronise = 3;

    private readonly CameraCaptureSettings settings;
    private readonly FrameHandOff handOff;
    private readonly TimeProvider timeProvider;
    private readonly FrameSourceOpener opener;
    private readonly Action<CameraStateChange>? stateChanged;
    private readonly FramePool pool;
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private readonly string redactedUrl;
    private Thread? thread;

    // Guarded by gate.
    private CameraState state = CameraState.Stopped;
    private string? lastError;
    private DateTimeOffset? lastErrorAt;
    private DateTimeOffset? nextAttemptAt;
    private int consecutiveFailures;
    private int reconnects;
    private double framesPerSecondIn;
    private double framesPerSecondAnalysed;
    private long ratesUpdatedTimestamp;

    private long lastFrameAtTicks;

    // Capture thread only.
    private long rateWindowStart;
    private long rateWindowFramesIn;
    private long rateWindowFramesAnalysed;
    private bool haveClockBaseline;
    private long clockBaselineTimestamp;
    private double clockBaselineStreamMilliseconds;
    private double minimumLagMilliseconds;
    private double lastStreamMilliseconds;
    private int consecutiveStaleFrames;

    /// <param name="opener">Opens the camera; default <see cref="VideoFrameSource.Opener"/> (OpenCV, RTSP over TCP).</param>
    /// <param name="stateChanged">Called on the capture thread at each state change (to log it); must not block.</param>
    public CameraCapture(
        CameraCaptureSettings settings,
        FrameHandOff handOff,
        TimeProvider? timeProvider = null,
        FrameSourceOpener? opener = null,
        Action<CameraStateChange>? stateChanged = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handOff);
        settings.Validate();
        this.settings = settings;
        this.handOff = handOff;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.opener = opener ?? VideoFrameSource.Opener();
        this.stateChanged = stateChanged;
        Counters = new CameraCounters(settings.Name, settings.Door);
        // One being read, the ones queued, one being analysed, one spare.
        pool = new FramePool(handOff.CapacityPerCamera + 3);
        redactedUrl = CameraUrl.Redact(settings.Url);
    }

    public string Name => settings.Name;

    public CameraCaptureSettings Settings => settings;

    public CameraCounters Counters { get; }

    /// <summary>Completes when the capture thread has ended (after <see cref="StopAsync"/>).</summary>
    public Task Completion => completion.Task;

    public CameraHealth Health
    {
        get
        {
            lock (gate)
            {
                var ticks = Interlocked.Read(ref lastFrameAtTicks);
                var ratesFresh = ratesUpdatedTimestamp != 0 && timeProvider.GetElapsedTime(ratesUpdatedTimestamp) < TimeSpan.FromSeconds(3);
                return new CameraHealth(
                    settings.Name,
                    settings.Door,
                    redactedUrl,
                    state,
                    ratesFresh ? framesPerSecondIn : 0,
                    ratesFresh ? framesPerSecondAnalysed : 0,
                    Counters.FramesIn,
                    Counters.FramesHandedOff,
                    Counters.FramesAnalysed,
                    Counters.FramesDropped,
                    Counters.StaleFrames,
                    reconnects,
                    consecutiveFailures,
                    ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero),
                    lastError,
                    lastErrorAt,
                    nextAttemptAt);
            }
        }
    }

    /// <summary>Starts the capture thread (once).</summary>
    public void Start()
    {
        lock (gate)
        {
            if (thread is not null)
            {
                throw new InvalidOperationException($"capture of camera '{settings.Name}' was already started");
            }
            thread = new Thread(Run) { IsBackground = true, Name = $"capture {settings.Name}" };
        }
        thread.Start();
    }

    /// <summary>
    /// Asks the thread to stop and waits for it. A read in progress cannot be aborted: stopping can
    /// take up to the read timeout. <paramref name="cancellationToken"/> stops the waiting only.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        RequestStop();
        if (thread is null)
        {
            return;
        }
        await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the thread to stop without waiting (it ends when its current native call returns).</summary>
    public void RequestStop()
    {
        try
        {
            stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: already stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(settings.ReadTimeout + settings.OpenTimeout + TimeSpan.FromSeconds(1));
        try
        {
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The native call is still blocked; the background thread ends with it.
        }
        if (thread is null || completion.Task.IsCompleted)
        {
            // A thread still blocked in a native call keeps using the token: leave it to the finaliser then.
            stopping.Dispose();
        }
    }

    private void Run()
    {
        try
        {
            SetState(CameraState.Connecting, error: null, retryIn: null);
            var opened = false;
            while (!stopping.IsCancellationRequested)
            {
                IFrameSource source;
                try
                {
                    source = opener(settings.Url, settings.OpenTimeout, settings.ReadTimeout);
                }
                catch (Exception exception)
                {
                    Fail($"cannot open {redactedUrl}: {CameraUrl.RedactIn(exception.Message, settings.Url)}");
                    continue;
                }

                if (opened)
                {
                    lock (gate)
                    {
                        reconnects++;
                    }
                }
                opened = true;
                string reason;
                try
                {
                    reason = Stream(source);
                }
                catch (Exception exception)
                {
                    reason = $"capture failed: {CameraUrl.RedactIn(exception.Message, settings.Url)}";
                }
                finally
                {
                    source.Dispose();
                }
                if (stopping.IsCancellationRequested)
                {
                    break;
                }
                Fail(reason);
            }
        }
        finally
        {
            SetState(CameraState.Stopped, error: null, retryIn: null);
            completion.TrySetResult();
        }
    }

    /// <summary>Reads until the stream is lost or stopping; returns why it ended.</summary>
    private string Stream(IFrameSource source)
    {
        var interval = (long)(timeProvider.TimestampFrequency / settings.AnalyseFps);
        var nextDue = timeProvider.GetTimestamp();
        haveClockBaseline = false;
        consecutiveStaleFrames = 0;
        rateWindowStart = timeProvider.GetTimestamp();
        rateWindowFramesIn = Counters.FramesIn;
        rateWindowFramesAnalysed = Counters.FramesAnalysed;

        while (!stopping.IsCancellationRequested)
        {
            var now = timeProvider.GetTimestamp();
            if (now >= nextDue || Counters.FaceInView)
            {
                var buffer = pool.Rent();
                if (!source.TryRead(buffer))
                {
                    pool.Return(buffer);
                    return "no frame within the read timeout (the stream ended or stalled)";
                }
                var arrival = timeProvider.GetTimestamp();
                FrameArrived();
                if (IsStale(buffer.TimestampMilliseconds, arrival))
                {
                    Counters.CountStale();
                    pool.Return(buffer);
                    continue;
                }
                // The idle cadence goes on from here; frames read while a face was in view do not
                // push the next idle frame further out than one interval.
                nextDue = Math.Min(Math.Max(nextDue + interval, arrival - interval), arrival + interval);
                Counters.CountHandedOff();
                handOff.Write(new CapturedFrame(pool, Counters, buffer, arrival, timeProvider.GetUtcNow()));
            }
            else if (source.Grab())
            {
                FrameArrived();
            }
            else
            {
                return "no frame within the read timeout (the stream ended or stalled)";
            }
            UpdateRates();
        }
        return "stopped";
    }

    private void FrameArrived()
    {
        Counters.CountIn();
        Interlocked.Exchange(ref lastFrameAtTicks, timeProvider.GetUtcNow().UtcTicks);
        if (state != CameraState.Streaming || consecutiveFailures != 0)
        {
            lock (gate)
            {
                consecutiveFailures = 0;
                nextAttemptAt = null;
            }
            SetState(CameraState.Streaming, error: null, retryIn: null);
        }
    }

    /// <summary>
    /// True when the frame arrived later than the stream's clock says it should, by more than the
    /// allowed age, compared with the smallest delay seen on this connection (OpenCV hands out one
    /// old frame after a stall). Streams without timestamps are never judged stale; a stream whose
    /// clock jumps back, or that stays "late" for several frames in a row while frames keep coming
    /// (clock drift, not a stall), is resynchronised.
    /// </summary>
    private bool IsStale(double streamMilliseconds, long arrival)
    {
        if (streamMilliseconds <= 0)
        {
            return false;
        }
        if (!haveClockBaseline || streamMilliseconds < lastStreamMilliseconds - 1000)
        {
            Resynchronise(streamMilliseconds, arrival);
            return false;
        }
        lastStreamMilliseconds = streamMilliseconds;
        var wallMilliseconds = timeProvider.GetElapsedTime(clockBaselineTimestamp, arrival).TotalMilliseconds;
        var lag = wallMilliseconds - (streamMilliseconds - clockBaselineStreamMilliseconds);
        minimumLagMilliseconds = Math.Min(minimumLagMilliseconds, lag);
        if (lag - minimumLagMilliseconds <= settings.MaximumFrameAge.TotalMilliseconds)
        {
            consecutiveStaleFrames = 0;
            return false;
        }
        if (++consecutiveStaleFrames >= ConsecutiveStaleFramesToResynchronise)
        {
            Resynchronise(streamMilliseconds, arrival);
            return false;
        }
        return true;
    }

    private void Resynchronise(double streamMilliseconds, long arrival)
    {
        haveClockBaseline = true;
        clockBaselineTimestamp = arrival;
        clockBaselineStreamMilliseconds = streamMilliseconds;
        lastStreamMilliseconds = streamMilliseconds;
        minimumLagMilliseconds = 0;
        consecutiveStaleFrames = 0;
    }

    private void UpdateRates()
    {
        var now = timeProvider.GetTimestamp();
        var elapsed = timeProvider.GetElapsedTime(rateWindowStart, now);
        if (elapsed < TimeSpan.FromSeconds(1))
        {
            return;
        }
        var framesIn = Counters.FramesIn;
        var framesAnalysed = Counters.FramesAnalysed;
        lock (gate)
        {
            framesPerSecondIn = (framesIn - rateWindowFramesIn) / elapsed.TotalSeconds;
            framesPerSecondAnalysed = (framesAnalysed - rateWindowFramesAnalysed) / elapsed.TotalSeconds;
            ratesUpdatedTimestamp = now;
        }
        rateWindowStart = now;
        rateWindowFramesIn = framesIn;
        rateWindowFramesAnalysed = framesAnalysed;
    }

    private void Fail(string error)
    {
        int failures;
        lock (gate)
        {
            failures = ++consecutiveFailures;
        }
        var delay = settings.BackoffAfter(failures);
        var next = failures >= settings.FailuresBeforeFailed ? CameraState.Failed : CameraState.Reconnecting;
        lock (gate)
        {
            lastError = error;
            lastErrorAt = timeProvider.GetUtcNow();
            nextAttemptAt = lastErrorAt + delay;
        }
        // Arm the timer before announcing the state, so that whoever reacts to the announcement
        // (a test advancing a fake clock) cannot move time past a timer that does not exist yet.
        using var elapsed = new ManualResetEventSlim(false);
        using var timer = timeProvider.CreateTimer(static signal => ((ManualResetEventSlim)signal!).Set(), elapsed, delay, Timeout.InfiniteTimeSpan);
        SetState(next, error, delay, force: true);
        try
        {
            elapsed.Wait(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void SetState(CameraState next, string? error, TimeSpan? retryIn, bool force = false)
    {
        CameraState previous;
        int failures;
        lock (gate)
        {
            previous = state;
            state = next;
            failures = consecutiveFailures;
        }
        if (previous != next || force)
        {
            try
            {
                stateChanged?.Invoke(new CameraStateChange(settings.Name, redactedUrl, previous, next, error, retryIn, failures));
            }
            catch (Exception)
            {
                // The observer (logging) failed: the capture thread must go on regardless.
            }
        }
    }
}
