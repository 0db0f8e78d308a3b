using System.Diagnostics;
using EdgeGate.Capture;
using EdgeGate.Configuration;
using EdgeGate.Core.Recognition;
using EdgeGate.Gallery;
using EdgeGate.Recognition;
using EdgeGate.TestSupport.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>
/// The live path end to end: the GStreamer RTSP test server streams face photos, the real capture
/// (OpenCV shim), face pipeline (ONNX Runtime) and gallery run inside a host built by
/// <see cref="LiveGateRegistration.AddRecognition"/>, and the tests read the candidate and stranger channels.
/// </summary>
public sealed class LiveGateTests(LiveFaceData data) : IClassFixture<LiveFaceData>
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    [FaceDataFact]
    public async Task An_enrolled_person_in_view_gives_exactly_one_candidate_within_three_seconds()
    {
        var (width, height) = LiveFaceData.StreamSizeFor(data.ProbePhoto!);
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.ProbePhoto!, 30)], width, height);
        await using var gate = await LiveGate.StartAsync(data, [Camera("gate", server.Url)]);
        gate.ServerOutput = $"{width}x{height} {Path.GetFileName(data.ProbePhoto)}: {server.Output}";

        var candidate = await gate.NextCandidateAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(data.PersonId, candidate.PersonId);
        Assert.Equal("gate", candidate.CameraName);
        Assert.Equal("main", candidate.DoorName);
        Assert.True(candidate.LivenessPassed, $"liveness {candidate.LivenessScore:F2}");
        Assert.InRange(candidate.EmittedAt - candidate.TrackStartedAt, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.InRange(candidate.FrameToCandidate, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        // The person keeps standing in view for a few more seconds: no second candidate, no stranger.
        await Quiet.ForAsync(TimeSpan.FromSeconds(4), "no second candidate and no stranger while the person stays in view",
            () => gate.Outputs.Candidates.TryPeek(out _) || gate.Outputs.Strangers.TryPeek(out _));
        Assert.False(gate.Outputs.Candidates.TryRead(out var extra), $"a second candidate: {extra}");
        Assert.False(gate.Outputs.Strangers.TryRead(out var stranger), $"a stranger: {stranger}");
        var health = gate.Health.Find("gate")!;
        Assert.Equal(CameraState.Streaming, health.State);
        Assert.True(health.FramesAnalysed >= 10, $"{health.FramesAnalysed} frames analysed"); // 10 fps asked; the shared test machine is slower
    }

    [FaceDataFact]
    public async Task An_unambiguous_face_is_decided_on_the_first_frame_it_is_analysed_in()
    {
        // A photo of an enrolled person (not the one enrolled) well inside the one-frame bars.
        var (width, height) = LiveFaceData.StreamSizeFor(data.ClearProbePhoto!);
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.ClearProbePhoto!, 30)], width, height);
        await using var gate = await LiveGate.StartAsync(data, [Camera("gate", server.Url)]);

        var candidate = await gate.NextCandidateAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(data.ClearPersonId, candidate.PersonId);
        Assert.True(candidate.LivenessPassed);
        Assert.Equal(1, candidate.AgreeingFrames);
        // The frame that decided is the track's first: no frame was waited for.
        Assert.Equal(candidate.TrackStartedAt, candidate.FrameArrivedAt);
        Assert.True(candidate.Similarity >= data.Options.OneFrameSimilarity, $"similarity {candidate.Similarity:F3}");
    }

    [FaceDataFact]
    public async Task A_face_below_the_one_frame_bars_is_decided_by_the_vote()
    {
        // The clear probe, with a one-frame similarity bar above anything a photo of another day reaches: it must vote.
        var (width, height) = LiveFaceData.StreamSizeFor(data.ClearProbePhoto!);
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.ClearProbePhoto!, 30)], width, height);
        await using var gate = await LiveGate.StartAsync(data, [Camera("gate", server.Url)], configure: options => options.OneFrameSimilarity = 0.999);

        var candidate = await gate.NextCandidateAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(data.ClearPersonId, candidate.PersonId);
        Assert.True(candidate.LivenessPassed);
        Assert.Equal(data.Options.VotesRequired, candidate.AgreeingFrames);
        Assert.True(candidate.FrameArrivedAt > candidate.TrackStartedAt);
    }

    [FaceDataFact]
    public async Task An_unenrolled_person_gives_one_stranger_sighting_and_no_candidate()
    {
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.StrangerPhoto!, 30)]);
        var dataDirectory = Directory.CreateTempSubdirectory("edgegate-live-").FullName;
        try
        {
            await using var gate = await LiveGate.StartAsync(data, [Camera("gate", server.Url)], dataDirectory);

            var stranger = await gate.NextStrangerAsync(TimeSpan.FromSeconds(15));
            Assert.Equal("gate", stranger.CameraName);
            Assert.NotNull(stranger.JpegSnapshot);
            Assert.InRange(stranger.JpegSnapshot.Length, 100, data.Options.SnapshotMaximumBytes);
            // Sealed with the template key, as templates are: nothing in clear on disk.
            var file = Assert.Single(Directory.GetFiles(Path.Combine(dataDirectory, "strangers")));
            Assert.EndsWith(StrangerSnapshotStore.Extension, file, StringComparison.Ordinal);
            Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf(stranger.JpegSnapshot.AsSpan(0, 32)));

            await Quiet.ForAsync(TimeSpan.FromSeconds(3), "no candidate and no second sighting while the stranger stays in view",
                () => gate.Outputs.Candidates.TryPeek(out _) || gate.Outputs.Strangers.TryPeek(out _));
            Assert.False(gate.Outputs.Candidates.TryRead(out var candidate), $"a candidate for a stranger: {candidate}");
            Assert.False(gate.Outputs.Strangers.TryRead(out var second), $"a second stranger sighting: {second}");
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [FaceDataFact]
    public async Task Capture_reconnects_after_the_server_restarts_and_recognition_resumes()
    {
        var (width, height) = LiveFaceData.StreamSizeFor(data.ProbePhoto!);
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.ProbePhoto!, 60)], width, height);
        await using var gate = await LiveGate.StartAsync(data, [Camera("gate", server.Url)]);
        var first = await gate.NextCandidateAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(data.PersonId, first.PersonId);

        server.Kill();
        await gate.WaitForStateAsync("gate", state => state != CameraState.Streaming, TimeSpan.FromSeconds(10));
        await Quiet.ForAsync(TimeSpan.FromSeconds(1), "an outage of the camera's server");
        var restarted = Stopwatch.StartNew();
        await server.RestartAsync();
        await gate.WaitForStateAsync("gate", state => state == CameraState.Streaming, TimeSpan.FromSeconds(10));
        var reconnectTime = restarted.Elapsed;
        Assert.True(reconnectTime < TimeSpan.FromSeconds(5), $"reconnected {reconnectTime.TotalSeconds:F1} s after the server came back");

        // The new connection starts the stream from the blank: the person appears again, a new presence.
        var second = await gate.NextCandidateAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(data.PersonId, second.PersonId);
        Assert.True(first.LivenessPassed && second.LivenessPassed);
        Assert.NotEqual(first.TrackId, second.TrackId);
        var health = gate.Health.Find("gate")!;
        Assert.True(health.Reconnects >= 1);
        Assert.NotNull(health.LastError);
    }

    [FaceDataFact]
    public async Task A_wrong_port_or_path_gives_a_clear_health_state_and_log_line_and_retries_at_a_bounded_rate()
    {
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(60)]);
        var wrongPort = $"rtsp://viewer:topsecret@127.0.0.1:{PeerProcess.FreeTcpPort()}/gate";
        var wrongPath = $"rtsp://viewer:topsecret@127.0.0.1:{server.Port}/nothing-here";
        await using var gate = await LiveGate.StartAsync(data, [Camera("port", wrongPort), Camera("path", wrongPath)]);

        await gate.WaitForStateAsync("port", state => state == CameraState.Failed, TimeSpan.FromSeconds(15));
        await gate.WaitForStateAsync("path", state => state == CameraState.Failed, TimeSpan.FromSeconds(15));
        var watching = Stopwatch.StartNew();
        var failuresBefore = gate.Health.Find("port")!.ConsecutiveFailures;
        await Quiet.ForAsync(TimeSpan.FromSeconds(8), "no more than the capped backoff's attempts");
        var failuresAfter = gate.Health.Find("port")!.ConsecutiveFailures;

        // Capped backoff (4 s by default): at most a few attempts in 8 s, and still trying.
        Assert.InRange(failuresAfter - failuresBefore, 1, (int)(watching.Elapsed.TotalSeconds / 4) + 1);
        foreach (var name in new[] { "port", "path" })
        {
            var health = gate.Health.Find(name)!;
            Assert.Equal(CameraState.Failed, health.State);
            Assert.Contains("cannot open rtsp://viewer:***@127.0.0.1", health.LastError, StringComparison.Ordinal);
            Assert.Equal(0, health.FramesIn);
        }
        var lines = gate.Logs.Lines.ToList();
        Assert.Contains(lines, line => line.Level == LogLevel.Error && line.EventId == 2004 && line.Message.Contains("Camera port", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Level == LogLevel.Error && line.EventId == 2004 && line.Message.Contains("Camera path", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Message.Contains("topsecret", StringComparison.Ordinal));
        Assert.All(gate.Health.Snapshot(), health => Assert.DoesNotContain("topsecret", health.Url + health.LastError, StringComparison.Ordinal));
    }

    [FaceDataFact]
    public async Task A_photo_tilted_back_and_forth_in_front_of_the_camera_is_reported_as_a_spoof_from_its_planar_motion()
    {
        var (width, height) = LiveFaceData.StreamSizeFor(data.ProbePhoto!);
        var folder = Directory.CreateTempSubdirectory("edgegate-tilt-").FullName;
        try
        {
            // A sheet turned about its vertical axis: foreshortened by cos(angle) around the face, about a quarter of a second per pose.
            var segments = new List<RtspSegment> { RtspSegment.Blank(1) };
            var angles = new[] { 0, 20, 35, 45, 35, 20, 0, -20, -35, -45, -35, -20 };
            for (var round = 0; round < 3; round++)
            {
                segments.AddRange(angles.Select(angle => RtspSegment.Image(Tilted(data.ProbePhoto!, angle, folder), 0.25)));
            }
            using var server = await RtspTestServer.StartAsync(segments, width, height);
            // A blink is required, which a photo never gives: no frame passes, so only strong evidence can end the track early.
            await using var gate = await LiveGate.StartAsync(data, [Camera("gate", server.Url)], configure: options => options.RequireBlink = true);

            var spoof = await gate.NextCandidateAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(data.PersonId, spoof.PersonId);
            Assert.False(spoof.LivenessPassed);
            var evidence = spoof.Presentation!;
            Assert.Equal(PresentationEvidence.PlanarMotionReason, evidence.AttackReason);
            Assert.Equal(MotionEvidence.Planar, evidence.Motion);
            Assert.False(evidence.BlinkSeen);
            Assert.True(evidence.Frames < gate.SpoofAfterFrames, $"reported after {evidence.Frames} frames, before the {gate.SpoofAfterFrames}-frame spoof wait");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [FaceDataFact]
    public async Task A_still_face_shows_no_planar_motion_or_parallax_from_the_streams_noise()
    {
        using var server = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.StrangerPhoto!, 30)]);
        await using var gate = await LiveGate.StartAsync(data, [Camera("gate", server.Url)], configure: options => options.VoteWindow = 20);

        // A stranger is reported after a full window of twenty frames: all of them still.
        var stranger = await gate.NextStrangerAsync(TimeSpan.FromSeconds(30));

        var evidence = stranger.Presentation!;
        Assert.True(evidence.Frames >= 20, $"{evidence.Frames} frames");
        Assert.Equal(MotionEvidence.NotEnoughMotion, evidence.Motion);
        Assert.Null(evidence.AttackReason);
    }

    /// <summary>The photo foreshortened horizontally by cos(<paramref name="degrees"/>) about its middle, written as JPEG.</summary>
    private static string Tilted(string photo, int degrees, string folder)
    {
        var path = Path.Combine(folder, $"tilt{degrees}.jpg");
        if (File.Exists(path))
        {
            return path;
        }
        using var image = Imaging.BgrImage.Load(photo);
        using var warped = Imaging.BgrImage.Create(image.Width, image.Height);
        var squeeze = Math.Cos(degrees * Math.PI / 180);
        // A little vertical keystone-like shear for the near edge, as a turned sheet shows.
        var shear = Math.Sin(degrees * Math.PI / 180) * 0.08;
        var centreX = image.Width / 2.0;
        var centreY = image.Height / 2.0;
        var transform = new Imaging.AffineTransform(squeeze, 0, centreX * (1 - squeeze), shear, 1, -shear * centreX);
        Imaging.ImageOps.WarpAffine(image.AsReadOnlySpan(), warped.AsSpan(), transform);
        File.WriteAllBytes(path, warped.EncodeJpeg(92));
        return path;
    }

    private static CameraOptions Camera(string name, string url) => new()
    {
        Name = name,
        Url = url,
        Door = "main",
        AnalyseFps = 10,
        OpenTimeout = TimeSpan.FromSeconds(3),
        ReadTimeout = TimeSpan.FromSeconds(3),
    };

    /// <summary>A host running the live path with the fixture's pipeline and gallery.</summary>
    private sealed class LiveGate : IAsyncDisposable
    {
        private readonly IHost host;

        private LiveGate(IHost host, CapturingLoggerProvider logs, RecognitionOptions recognition)
        {
            this.host = host;
            SpoofAfterFrames = recognition.SpoofAfterFrames > 0 ? recognition.SpoofAfterFrames : 2 * recognition.VoteWindow;
            Logs = logs;
            Outputs = host.Services.GetRequiredService<RecognitionOutputs>();
            Health = host.Services.GetRequiredService<CameraHealthRegistry>();
        }

        public CapturingLoggerProvider Logs { get; }

        /// <summary>Frames after which a track that never passed liveness is reported anyway.</summary>
        public int SpoofAfterFrames { get; }

        /// <summary>The test server's output, for failure messages.</summary>
        public string ServerOutput { get; set; } = "";

        public RecognitionOutputs Outputs { get; }

        public CameraHealthRegistry Health { get; }

        public static async Task<LiveGate> StartAsync(LiveFaceData data, IReadOnlyList<CameraOptions> cameras, string? dataDirectory = null, Action<RecognitionOptions>? configure = null)
        {
            var logs = new CapturingLoggerProvider();
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<FaceGallery>(data.Gallery);
            if (dataDirectory is not null)
            {
                // Stranger snapshots are sealed with the database's template key.
                builder.Services.AddSingleton(_ =>
                {
                    using var key = Storage.Privacy.TemplateKeyStore.LoadOrCreate(Path.Combine(dataDirectory, "credentials"));
                    return Storage.EdgeGateDatabase.Open(new Storage.StorageOptions { DatabasePath = Path.Combine(dataDirectory, "edgegate.db") }, key);
                });
            }
            builder.Services.AddSingleton<IFaceAnalyser>(new BorrowedAnalyser(data.Analyser));
            var recognition = new RecognitionOptions { StrangerSnapshots = dataDirectory is not null };
            configure?.Invoke(recognition);
            builder.Services.AddRecognition(new EdgeGateSettings
            {
                Gateway = new GatewayOptions { DataDirectory = dataDirectory ?? Path.GetTempPath() },
                Recognition = recognition,
                Cameras = cameras,
            });
            var host = builder.Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StartAsync(timeout.Token);
            return new LiveGate(host, logs, recognition);
        }

        public async Task<FaceCandidate> NextCandidateAsync(TimeSpan timeout)
        {
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                return await Outputs.Candidates.ReadAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no candidate within {timeout}; {Describe()}; stream {ServerOutput}");
            }
        }

        public async Task<StrangerSighting> NextStrangerAsync(TimeSpan timeout)
        {
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                return await Outputs.Strangers.ReadAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no stranger sighting within {timeout}; {Describe()}");
            }
        }

        public Task WaitForStateAsync(string camera, Func<CameraState, bool> condition, TimeSpan timeout)
            => Eventually.UntilAsync(() => condition(Health.Find(camera)!.State), timeout, $"the expected state of camera {camera}", Describe);

        private string Describe() =>
            string.Join("; ", Health.Snapshot()) + " | log: " + string.Join(" / ", Logs.Lines.TakeLast(15).Select(line => line.Message));

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await host.StopAsync(timeout.Token);
            host.Dispose();
        }
    }
}
