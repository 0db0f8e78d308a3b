using System.Collections.Concurrent;
using EdgeGate.Capture;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Vision.Tests.Capture;

public sealed class CameraCaptureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private const string SecretUrl = "rtsp://admin:hunter2@127.0.0.1:1/gate";

    [Fact]
    public async Task Retries_with_capped_exponential_backoff_and_never_shows_the_password()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var changes = new BlockingCollection<CameraStateChange>();
        var attempts = 0;
        var settings = new CameraCaptureSettings("gate", "main", SecretUrl, 10)
        {
            InitialBackoff = TimeSpan.FromMilliseconds(500),
            MaximumBackoff = TimeSpan.FromSeconds(4),
        };
        await using var capture = new CameraCapture(
            settings,
            new FrameHandOff(2),
            time,
            (url, _, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException($"connection refused: {url}");
            },
            changes.Add);
        capture.Start();

        Assert.Equal(CameraState.Connecting, Next(changes).Current);
        var delays = new List<TimeSpan>();
        var states = new List<CameraState>();
        for (var i = 0; i < 6; i++)
        {
            var change = Next(changes);
            Assert.DoesNotContain("hunter2", change.Error, StringComparison.Ordinal);
            Assert.Contains("rtsp://admin:***@127.0.0.1:1/gate", change.Error, StringComparison.Ordinal);
            delays.Add(change.RetryIn!.Value);
            states.Add(change.Current);
            Assert.Equal(i + 1, Volatile.Read(ref attempts));
            time.Advance(change.RetryIn.Value);
        }

        Assert.Equal([0.5, 1, 2, 4, 4, 4], delays.Select(d => d.TotalSeconds));
        Assert.Equal(
            [CameraState.Reconnecting, CameraState.Reconnecting, CameraState.Failed, CameraState.Failed, CameraState.Failed, CameraState.Failed],
            states);
        var health = capture.Health;
        Assert.Equal(CameraState.Failed, health.State);
        Assert.Equal("rtsp://admin:***@127.0.0.1:1/gate", health.Url);
        Assert.DoesNotContain("hunter2", health.LastError, StringComparison.Ordinal);
        Assert.Null(health.LastFrameAt);

        await capture.StopAsync().WaitAsync(Patience);
        Assert.Equal(CameraState.Stopped, capture.Health.State);
    }

    [Fact]
    public async Task Hands_over_frames_at_the_analysis_rate_and_grabs_the_rest()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var changes = new BlockingCollection<CameraStateChange>();
        var handOff = new FrameHandOff(1000);
        var source = new ScriptedFrameSource(time, framesPerSecond: 15, framesBeforeEnd: 150);
        await using var capture = new CameraCapture(
            new CameraCaptureSettings("gate", "main", "rtsp://127.0.0.1:1/gate", AnalyseFps: 10),
            handOff,
            time,
            (_, _, _) => source,
            changes.Add);
        capture.Start();

        Assert.Equal(CameraState.Connecting, Next(changes).Current);
        Assert.Equal(CameraState.Streaming, Next(changes).Current);
        var lost = Next(changes);
        Assert.Equal(CameraState.Reconnecting, lost.Current);
        Assert.Contains("read timeout", lost.Error, StringComparison.Ordinal);
        Assert.True(source.Disposed);

        // 10 s of a 15 fps stream analysed at 10 fps: about 100 frames converted, the rest grabbed.
        Assert.Equal(150, source.Reads + source.Grabs);
        Assert.InRange(source.Reads, 95, 105);
        Assert.Equal(source.Reads, handOff.Count);
        var health = capture.Health;
        Assert.Equal(150, health.FramesIn);
        Assert.Equal(source.Reads, health.FramesHandedOff);
        Assert.Equal(0, health.FramesDropped);
        Assert.InRange(health.FramesPerSecondIn, 14, 16);
        Assert.NotNull(health.LastFrameAt);

        var frames = new List<CapturedFrame>();
        while (handOff.Reader.TryRead(out var frame))
        {
            frames.Add(frame);
        }
        Assert.All(frames, f => Assert.Equal("gate", f.CameraName));
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.ArrivalTimestamp > p.First.ArrivalTimestamp));
        foreach (var frame in frames)
        {
            frame.CameraCounters().CountAnalysed();
            frame.Release();
        }
        Assert.Equal(source.Reads, capture.Counters.FramesAnalysed);
        await capture.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task Hands_over_every_frame_while_a_face_is_in_view_and_goes_back_to_the_analysis_rate_after()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var changes = new BlockingCollection<CameraStateChange>();
        var handOff = new FrameHandOff(1000);
        var source = new ScriptedFrameSource(time, framesPerSecond: 15, framesBeforeEnd: 150);
        CameraCapture? capture = null;
        // Recognition follows a face during the middle 50 frames of the stream.
        var watched = new WatchedSource(source, given => capture!.Counters.FaceInView = given is >= 50 and < 100);
        capture = new CameraCapture(
            new CameraCaptureSettings("gate", "main", "rtsp://127.0.0.1:1/gate", AnalyseFps: 10),
            handOff,
            time,
            (_, _, _) => watched,
            changes.Add);
        await using (capture)
        {
            capture.Start();
            while (Next(changes).Current != CameraState.Reconnecting)
            {
            }

            // About 33 of the first 50 frames (10 of 15 per second), all 50 with the face, about 33 after.
            Assert.Equal(50, watched.ReadsBetween(50, 100));
            Assert.InRange(watched.ReadsBetween(0, 50), 31, 35);
            Assert.InRange(watched.ReadsBetween(100, 150), 31, 35);
            await capture.StopAsync().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Drops_a_frame_that_is_stale_on_arrival()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var changes = new BlockingCollection<CameraStateChange>();
        var handOff = new FrameHandOff(1000);
        var source = new ScriptedFrameSource(time, framesPerSecond: 10, framesBeforeEnd: 40);
        var opened = 0;
        await using var capture = new CameraCapture(
            new CameraCaptureSettings("gate", "main", "rtsp://127.0.0.1:1/gate", AnalyseFps: 10) { MaximumFrameAge = TimeSpan.FromSeconds(1) },
            handOff,
            time,
            (_, _, _) => Interlocked.Increment(ref opened) == 1
                ? new StallingSource(source, stallAtRead: 20, TimeSpan.FromSeconds(3))
                : throw new InvalidOperationException("gone"),
            changes.Add);
        capture.Start();
        while (Next(changes).Current != CameraState.Reconnecting)
        {
        }

        // The frame after the stall is 3 s late and dropped. The stream's clock lost those 3 s for
        // good, so the next frame is as late: after the third late frame in a row (frames are
        // flowing again, so this is a shifted clock and not a stall) the capture resynchronises.
        Assert.Equal(2, capture.Health.StaleFrames);
        Assert.Equal(38, capture.Health.FramesHandedOff);
        await capture.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task A_full_hand_off_drops_the_oldest_frames_and_counts_them()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var changes = new BlockingCollection<CameraStateChange>();
        var handOff = new FrameHandOff(2);
        var source = new ScriptedFrameSource(time, framesPerSecond: 10, framesBeforeEnd: 10);
        await using var capture = new CameraCapture(
            new CameraCaptureSettings("gate", "main", "rtsp://127.0.0.1:1/gate", AnalyseFps: 10),
            handOff,
            time,
            (_, _, _) => source,
            changes.Add);
        capture.Start();
        while (Next(changes).Current != CameraState.Reconnecting)
        {
        }

        Assert.Equal(10, capture.Health.FramesHandedOff);
        Assert.Equal(8, capture.Health.FramesDropped);
        Assert.Equal(8, handOff.DroppedFrames);
        Assert.Equal(2, handOff.Count);
        Assert.True(handOff.Reader.TryRead(out var kept));
        Assert.Equal(9, kept.Buffer.SequenceNumber); // the newest two survive
        kept.Release();
        await capture.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public void Backoff_doubles_from_the_initial_delay_up_to_the_cap()
    {
        var settings = new CameraCaptureSettings("gate", "main", "rtsp://x/y", 10)
        {
            InitialBackoff = TimeSpan.FromMilliseconds(250),
            MaximumBackoff = TimeSpan.FromSeconds(3),
        };
        Assert.Equal(
            [0, 0.25, 0.5, 1, 2, 3, 3],
            Enumerable.Range(0, 7).Select(f => settings.BackoffAfter(f).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(3), settings.BackoffAfter(int.MaxValue));
    }

    private static CameraStateChange Next(BlockingCollection<CameraStateChange> changes)
    {
        Assert.True(changes.TryTake(out var change, Patience), "no capture state change within the time limit");
        return change;
    }

    /// <summary>Delegates to a scripted source, telling <paramref name="beforeFrame"/> how many frames were given before each one, and noting which were read.</summary>
    private sealed class WatchedSource(ScriptedFrameSource inner, Action<int> beforeFrame) : IFrameSource
    {
        private readonly List<int> reads = [];

        public int ReadsBetween(int from, int until) => reads.Count(given => given >= from && given < until);

        public bool TryRead(BgrFrameBuffer frame)
        {
            var given = inner.Reads + inner.Grabs;
            beforeFrame(given);
            var read = inner.TryRead(frame);
            if (read)
            {
                reads.Add(given);
            }
            return read;
        }

        public bool Grab()
        {
            beforeFrame(inner.Reads + inner.Grabs);
            return inner.Grab();
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>Delegates to a scripted source, stalling before one read (OpenCV then returns an old frame).</summary>
    private sealed class StallingSource(ScriptedFrameSource inner, int stallAtRead, TimeSpan stall) : IFrameSource
    {
        public bool TryRead(BgrFrameBuffer frame)
        {
            if (inner.Reads + 1 == stallAtRead)
            {
                inner.StallBeforeNextRead = stall;
            }
            return inner.TryRead(frame);
        }

        public bool Grab() => inner.Grab();

        public void Dispose() => inner.Dispose();
    }
}

internal static class CapturedFrameTestExtensions
{
    public static CameraCounters CameraCounters(this CapturedFrame frame) => frame.Camera;
}
