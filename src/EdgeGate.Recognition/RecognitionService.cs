using System.Diagnostics;
using EdgeGate.Access;
using EdgeGate.Capture;
using EdgeGate.Configuration;
using EdgeGate.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Recognition;

/// <summary>Running figures of the recognition loop (for health and the benchmark).</summary>
public sealed class RecognitionStatistics
{
    /// <summary>Latest frame latencies kept for percentiles.</summary>
    public const int LatencySamples = 8192;

    private readonly double[] latencies = new double[LatencySamples];
    private readonly Lock latencyGate = new();
    private long latencyCount;
    private long framesAnalysed;
    private long analysisTicks;
    private long failures;
    private long candidates;
    private long strangers;

    public long FramesAnalysed => Interlocked.Read(ref framesAnalysed);

    /// <summary>Time spent in the face pipeline and matching, all frames together.</summary>
    public TimeSpan AnalysisTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref analysisTicks));

    public long Failures => Interlocked.Read(ref failures);

    public long Candidates => Interlocked.Read(ref candidates);

    public long Strangers => Interlocked.Read(ref strangers);

    internal void Analysed(long stopwatchTicks)
    {
        Interlocked.Increment(ref framesAnalysed);
        Interlocked.Add(ref analysisTicks, stopwatchTicks);
    }

    /// <summary>
    /// Arrival-to-done latency of the latest analysed frames (up to <see cref="LatencySamples"/>),
    /// in milliseconds: how old a frame's view is when its result is known.
    /// </summary>
    public double[] FrameLatencyMilliseconds()
    {
        lock (latencyGate)
        {
            var count = (int)Math.Min(latencyCount, LatencySamples);
            return latencies.AsSpan(0, count).ToArray();
        }
    }

    /// <summary>Forgets the latency samples (e.g. after a warm-up).</summary>
    public void ResetLatencies()
    {
        lock (latencyGate)
        {
            latencyCount = 0;
        }
    }

    internal void FrameDone(double latencyMilliseconds)
    {
        lock (latencyGate)
        {
            latencies[latencyCount % LatencySamples] = latencyMilliseconds;
            latencyCount++;
        }
    }

    internal void Failed() => Interlocked.Increment(ref failures);

    internal void Candidate() => Interlocked.Increment(ref candidates);

    internal void Stranger() => Interlocked.Increment(ref strangers);
}

/// <summary>
/// The recognition loop: takes the newest frames from the capture hand-off, runs the face pipeline,
/// tracks and votes (<see cref="RecognitionEngine"/>), and writes candidates and stranger sightings
/// to <see cref="RecognitionOutputs"/>, which never drop. A failing frame is logged and skipped
/// with a short, growing pause; the loop goes on. Faces of a camera with a paired infrared camera
/// are looked for in its newest infrared frame (<see cref="InfraredPairing"/>) before the vote. Each analysed frame is offered to
/// <see cref="CameraSnapshots"/> (copied only while the console looks) before its buffer goes back, and
/// its faces to <see cref="FaceCaptures"/> (enrolment at the gate camera).
/// </summary>
public sealed partial class RecognitionService(
    FrameHandOff handOff,
    IFaceAnalyser analyser,
    RecognitionEngine engine,
    RecognitionOutputs outputs,
    RecognitionOptions options,
    TimeProvider timeProvider,
    ILogger<RecognitionService> logger,
    LoopHeartbeats? heartbeats = null,
    StrangerSnapshotStore? snapshotStore = null,
    CameraSnapshots? cameraSnapshots = null,
    InfraredPairing? infrared = null,
    StartupWarmUp? warmUp = null,
    FaceCaptures? faceCaptures = null) : BackgroundService
{
    private const string LoopName = "recognition";
    private static readonly TimeSpan IdleBeat = TimeSpan.FromSeconds(1);
    /// <summary>The pauses after frames that failed in a row: 100 ms doubling up to 5 s, jittered.</summary>
    private static readonly RetryPacing FailurePacing = RetryPacing.Doubling(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

    private readonly List<FaceObservation> faces = [];
    private readonly RecognitionEvents events = new();

    public RecognitionStatistics Statistics { get; } = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once: the loop below runs for the service's lifetime.
        await Task.Yield();
        var consecutiveFailures = 0;
        try
        {
            await WarmUpAsync(stoppingToken).ConfigureAwait(false);
            snapshotStore?.Prune();
            while (!stoppingToken.IsCancellationRequested)
            {
                heartbeats?.Beat(LoopName);
                var frame = await NextFrameAsync(stoppingToken).ConfigureAwait(false);
                if (frame is null)
                {
                    continue;
                }
                try
                {
                    Analyse(frame);
                    consecutiveFailures = 0;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Statistics.Failed();
                    consecutiveFailures++;
                    LogFrameFailed(exception, frame.CameraName, consecutiveFailures);
                    var pause = FailurePacing.Delay(consecutiveFailures, TimeSpan.Zero, Random.Shared.NextDouble());
                    await Task.Delay(pause, timeProvider, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                finally
                {
                    frame.Camera.CountAnalysed();
                    try
                    {
                        cameraSnapshots?.Offer(frame.CameraName, frame.Buffer.AsReadOnlySpan());
                    }
                    finally
                    {
                        frame.Release();
                    }
                }
                await PublishAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            heartbeats?.Retire(LoopName);
            outputs.Complete();
        }
    }

    /// <summary>Every model runs once before the first frame (frames arriving meanwhile wait in the hand-off, the newest kept).</summary>
    private Task WarmUpAsync(CancellationToken stoppingToken)
    {
        Task<string> RunEveryModelAsync(CancellationToken _)
        {
            analyser.WarmUp();
            return Task.FromResult("every face model ran once");
        }
        return warmUp is null ? RunEveryModelAsync(stoppingToken) : warmUp.RunAsync(StartupWarmUp.Recognition, RunEveryModelAsync, stoppingToken);
    }

    private async Task<CapturedFrame?> NextFrameAsync(CancellationToken stoppingToken)
    {
        if (handOff.Reader.TryRead(out var ready))
        {
            return ready;
        }
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        idle.CancelAfter(IdleBeat);
        try
        {
            return await handOff.Reader.ReadAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private void Analyse(CapturedFrame frame)
    {
        var start = Stopwatch.GetTimestamp();
        var image = frame.Buffer.AsReadOnlySpan();
        analyser.Detect(image, faces);
        infrared?.Confirm(frame.CameraName, frame.ArrivedAt, image.Width, image.Height, faces, analyser);
        faceCaptures?.Offer(frame.CameraName, image, faces, frame.ArrivedAt);
        engine.Process(
            new FrameContext(frame.CameraName, frame.DoorName, frame.ArrivedAt),
            faces,
            events,
            face => analyser.Describe(frame.Buffer.AsReadOnlySpan(), face) with { Infrared = faces[face].Infrared },
            options.StrangerSnapshots ? box => StrangerSnapshot.Encode(frame.Buffer.AsReadOnlySpan(), box, options.SnapshotMaximumBytes) : null);
        // While someone is in view the camera hands over every frame of its stream.
        frame.Camera.FaceInView = engine.TrackCount(frame.CameraName) > 0;
        Statistics.Analysed(Stopwatch.GetTimestamp() - start);
        Statistics.FrameDone(timeProvider.GetElapsedTime(frame.ArrivalTimestamp).TotalMilliseconds);
    }

    private async Task PublishAsync(CancellationToken stoppingToken)
    {
        foreach (var candidate in events.Candidates)
        {
            Statistics.Candidate();
            LogCandidate(candidate.CameraName, candidate.PersonId, candidate.TrackId, candidate.Similarity, candidate.LivenessScore, candidate.LivenessPassed, candidate.AgreeingFrames, candidate.FrameToCandidate.TotalMilliseconds);
            await outputs.CandidateWriter.WriteAsync(candidate, stoppingToken).ConfigureAwait(false);
        }
        foreach (var stranger in events.Strangers)
        {
            Statistics.Stranger();
            string? path = null;
            if (snapshotStore is not null && stranger.JpegSnapshot is not null)
            {
                try
                {
                    path = snapshotStore.Save(stranger);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    LogSnapshotFailed(exception, stranger.CameraName, snapshotStore.Directory);
                }
            }
            LogStranger(stranger.CameraName, stranger.TrackId, stranger.BestSimilarity, path ?? "none");
            await outputs.StrangerWriter.WriteAsync(stranger, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "Camera {Camera}: candidate {PersonId} (track {TrackId}, similarity {Similarity:F3}, liveness {Liveness:F2} passed {LivenessPassed}, {Frames} frame(s), {LatencyMilliseconds:F0} ms after its frame)")]
    private partial void LogCandidate(string camera, string personId, long trackId, double similarity, double liveness, bool livenessPassed, int frames, double latencyMilliseconds);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Camera {Camera}: stranger (track {TrackId}, best similarity {Similarity:F3}, snapshot {Snapshot})")]
    private partial void LogStranger(string camera, long trackId, double similarity, string snapshot);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Camera {Camera}: analysing a frame failed ({Failures} in a row); skipping it")]
    private partial void LogFrameFailed(Exception exception, string camera, int failures);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Camera {Camera}: cannot store a stranger snapshot under {Directory}")]
    private partial void LogSnapshotFailed(Exception exception, string camera, string directory);
}
