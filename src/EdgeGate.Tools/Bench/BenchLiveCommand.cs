using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeGate.Capture;
using EdgeGate.Configuration;
using EdgeGate.Core.Recognition;
using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Gallery;
using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Recognition;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Tools.Bench;

/// <summary>
/// <c>edgegate bench live</c>: the live path under load. Enrols one photo, streams it (alternating
/// with a blank, so the person keeps arriving) from the RTSP test server or reads given URLs, runs
/// C cameras at F analysed frames per second for S seconds, and reports frame-to-candidate latency,
/// frame latency, analysed fps per camera, drops, queue depth and CPU use.
/// </summary>
public static class BenchLiveCommand
{
    public static Command Create()
    {
        var cameras = new Option<int>("--cameras") { Description = "cameras to run (each its own RTSP connection)", DefaultValueFactory = _ => 1 };
        var fps = new Option<double>("--fps") { Description = "analysed frames per second per camera", DefaultValueFactory = _ => 10 };
        var seconds = new Option<int>("--seconds") { Description = "measured seconds (after a warm-up)", DefaultValueFactory = _ => 30 };
        var warmUp = new Option<int>("--warmup") { Description = "seconds before measuring", DefaultValueFactory = _ => 5 };
        var photo = new Option<FileInfo>("--photo") { Description = "a photo of one face: enrolled, and streamed by the test server", Required = true };
        var urls = new Option<string[]>("--url") { Description = "camera URLs (repeat; cycled over the cameras); default: start the RTSP test server", AllowMultipleArgumentsPerToken = true };
        var server = new Option<FileInfo?>("--rtsp-server") { Description = "the test server script (default: Demo/rtsp_server.py next to the program)" };
        var width = new Option<int>("--width") { Description = "test stream width", DefaultValueFactory = _ => 1280 };
        var height = new Option<int>("--height") { Description = "test stream height", DefaultValueFactory = _ => 720 };
        var streamFps = new Option<int>("--stream-fps") { Description = "test stream frame rate", DefaultValueFactory = _ => 15 };
        var present = new Option<double>("--present") { Description = "seconds the face is in view per cycle", DefaultValueFactory = _ => 3 };
        var absent = new Option<double>("--absent") { Description = "seconds of blank per cycle", DefaultValueFactory = _ => 1.5 };
        var modelsDirectory = new Option<string?>("--models-dir") { Description = "the directory holding manifest.json" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads", DefaultValueFactory = _ => 1 };
        var queue = new Option<int>("--queue") { Description = "frames that may wait per camera (Recognition:FrameQueuePerCamera)", DefaultValueFactory = _ => new RecognitionOptions().FrameQueuePerCamera };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };

        var command = new Command("live", "Measure the live path: RTSP capture → face pipeline → tracking and vote → candidates, for C cameras at F fps")
        {
            cameras, fps, seconds, warmUp, photo, urls, server, width, height, streamFps, present, absent, modelsDirectory, threads, queue, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var run = new LiveBenchmarkRun(
                parseResult.GetValue(cameras),
                parseResult.GetValue(fps),
                parseResult.GetValue(seconds),
                parseResult.GetValue(warmUp),
                parseResult.GetValue(photo)!.FullName,
                parseResult.GetValue(urls) ?? [],
                parseResult.GetValue(server)?.FullName,
                parseResult.GetValue(width),
                parseResult.GetValue(height),
                parseResult.GetValue(streamFps),
                parseResult.GetValue(present),
                parseResult.GetValue(absent),
                parseResult.GetValue(modelsDirectory),
                parseResult.GetValue(threads),
                parseResult.GetValue(queue));
            if (run.Problem() is { } problem)
            {
                error.WriteLine($"bench live: {problem}");
                return 2;
            }
            try
            {
                var result = await LiveBenchmark.RunAsync(run, cancellationToken).ConfigureAwait(false);
                output.WriteLine(parseResult.GetValue(json) ? result.ToJson() : result.ToText());
                return 0;
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or OpenCvException or IOException
                or InvalidDataException or InvalidOperationException or TimeoutException)
            {
                error.WriteLine($"bench live: {exception.Message}");
                return 1;
            }
        });
        return command;
    }
}

internal sealed record LiveBenchmarkRun(
    int Cameras, double Fps, int Seconds, int WarmUpSeconds, string Photo, string[] Urls, string? ServerScript,
    int Width, int Height, int StreamFps, double PresentSeconds, double AbsentSeconds, string? ModelsDirectory, int Threads, int QueuePerCamera)
{
    public string? Problem() =>
        Cameras is < 1 or > 16 ? "--cameras must be 1 to 16"
        : Fps is <= 0 or > 30 ? "--fps must be in (0, 30]"
        : Seconds < 1 ? "--seconds must be at least 1"
        : WarmUpSeconds < 0 ? "--warmup must not be negative"
        : !File.Exists(Photo) ? $"photo not found: {Photo}"
        : Width < 64 || Height < 64 || Width % 16 != 0 || Height % 2 != 0 ? "--width must be a multiple of 16 and --height even (64 or more)"
        : PresentSeconds <= 0 || AbsentSeconds < 0 ? "--present must be positive and --absent not negative"
        : QueuePerCamera is < 1 or > 16 ? "--queue must be 1 to 16"
        : null;
}

internal sealed record CameraBenchResult(string Name, string State, double FramesPerSecondIn, double FramesPerSecondAnalysed, long FramesDropped, long StaleFrames, int Reconnects, string? LastError);

internal sealed record LiveBenchResult(
    LiveBenchmarkRun Run,
    string Source,
    int Candidates,
    int CandidatesLivenessFailed,
    int Strangers,
    Percentiles FrameToCandidate,
    Percentiles TrackToCandidate,
    Percentiles FrameLatency,
    double MeanAnalysisMilliseconds,
    double ProcessCpuPercentOfOneCore,
    double MachineCpuPercent,
    int LogicalProcessors,
    int MaximumQueuedFrames,
    int FrameQueueCapacity,
    long HandOffDrops,
    IReadOnlyList<CameraBenchResult> PerCamera)
{
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"live path: {Run.Cameras} camera(s) at {Run.Fps} analysed fps, {Run.Seconds} s measured after {Run.WarmUpSeconds} s, source {Source}"));
        text.AppendLine(Invariant($"candidates {Candidates} ({CandidatesLivenessFailed} liveness failed), strangers {Strangers}"));
        text.AppendLine(Invariant($"track→candidate ms  p50 {TrackToCandidate.P50:F1}  p95 {TrackToCandidate.P95:F1}  max {TrackToCandidate.Maximum:F1}  (n {TrackToCandidate.Count}; the face's first analysed frame → candidate, what the resident waits for)"));
        text.AppendLine(Invariant($"frame→candidate ms  p50 {FrameToCandidate.P50:F1}  p95 {FrameToCandidate.P95:F1}  max {FrameToCandidate.Maximum:F1}  (the deciding frame's arrival → candidate)"));
        text.AppendLine(Invariant($"frame latency ms    p50 {FrameLatency.P50:F1}  p95 {FrameLatency.P95:F1}  max {FrameLatency.Maximum:F1}  (n {FrameLatency.Count}; arrival → analysed)"));
        text.AppendLine(Invariant($"analysis per frame  {MeanAnalysisMilliseconds:F1} ms mean"));
        text.AppendLine(Invariant($"cpu                 process {ProcessCpuPercentOfOneCore:F0}% of one core, machine {MachineCpuPercent:F0}% of {LogicalProcessors} cores"));
        text.AppendLine(Invariant($"frame queue         max {MaximumQueuedFrames} of {FrameQueueCapacity}, dropped {HandOffDrops}"));
        foreach (var camera in PerCamera)
        {
            text.AppendLine(Invariant($"  {camera.Name,-8} {camera.State,-12} in {camera.FramesPerSecondIn,5:F1} fps  analysed {camera.FramesPerSecondAnalysed,5:F1} fps  dropped {camera.FramesDropped}  stale {camera.StaleFrames}  reconnects {camera.Reconnects}{(camera.LastError is null ? "" : "  last error: " + camera.LastError)}"));
        }
        text.Append("glass-to-frame and the door: not measured here (edgegate bench gate measures the whole way to the relay)");
        return text.ToString();
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("cameras", Run.Cameras);
            writer.WriteNumber("fps", Run.Fps);
            writer.WriteNumber("seconds", Run.Seconds);
            writer.WriteNumber("warmup_seconds", Run.WarmUpSeconds);
            writer.WriteString("source", Source);
            writer.WriteNumber("candidates", Candidates);
            writer.WriteNumber("candidates_liveness_failed", CandidatesLivenessFailed);
            writer.WriteNumber("strangers", Strangers);
            Write(writer, "track_to_candidate_ms", TrackToCandidate);
            Write(writer, "frame_to_candidate_ms", FrameToCandidate);
            Write(writer, "frame_latency_ms", FrameLatency);
            writer.WriteNull("glass_to_frame_ms");
            writer.WriteNumber("analysis_ms_mean", Math.Round(MeanAnalysisMilliseconds, 2));
            writer.WriteNumber("process_cpu_percent_of_one_core", Math.Round(ProcessCpuPercentOfOneCore, 1));
            WriteNumberOrNull(writer, "machine_cpu_percent", MachineCpuPercent);
            writer.WriteNumber("logical_processors", LogicalProcessors);
            writer.WriteNumber("frame_queue_max", MaximumQueuedFrames);
            writer.WriteNumber("frame_queue_capacity", FrameQueueCapacity);
            writer.WriteNumber("frames_dropped", HandOffDrops);
            writer.WriteStartArray("per_camera");
            foreach (var camera in PerCamera)
            {
                writer.WriteStartObject();
                writer.WriteString("name", camera.Name);
                writer.WriteString("state", camera.State);
                writer.WriteNumber("fps_in", Math.Round(camera.FramesPerSecondIn, 2));
                writer.WriteNumber("fps_analysed", Math.Round(camera.FramesPerSecondAnalysed, 2));
                writer.WriteNumber("frames_dropped", camera.FramesDropped);
                writer.WriteNumber("stale_frames", camera.StaleFrames);
                writer.WriteNumber("reconnects", camera.Reconnects);
                writer.WriteString("last_error", camera.LastError);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, string name, Percentiles percentiles)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("count", percentiles.Count);
        WriteNumberOrNull(writer, "p50", percentiles.P50);
        WriteNumberOrNull(writer, "p95", percentiles.P95);
        WriteNumberOrNull(writer, "max", percentiles.Maximum);
        writer.WriteEndObject();
    }

    /// <summary>No samples (NaN) is written as null: JSON has no NaN.</summary>
    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, Math.Round(value, 2));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal readonly record struct Percentiles(int Count, double P50, double P95, double Maximum)
{
    public static Percentiles Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN);
        }
        var sorted = values.Order().ToArray();
        return new Percentiles(sorted.Length, Percentile.Of(sorted, 0.5), Percentile.Of(sorted, 0.95), sorted[^1]);
    }
}

internal static class LiveBenchmark
{
    private const string PersonId = "bench-person";

    public static async Task<LiveBenchResult> RunAsync(LiveBenchmarkRun run, CancellationToken cancellationToken)
    {
        var settings = new EdgeGateSettings
        {
            Models = new ModelOptions { Directory = run.ModelsDirectory ?? "", IntraOpThreads = run.Threads },
            Recognition = new RecognitionOptions { FrameQueuePerCamera = run.QueuePerCamera },
            Gateway = new GatewayOptions { DataDirectory = Path.GetTempPath() },
            Cameras = [.. Enumerable.Range(1, run.Cameras).Select(index => new CameraOptions
            {
                Name = $"cam{index}",
                Door = "bench",
                Url = "pending",
                AnalyseFps = run.Fps,
            })],
        };
        using var analyser = LiveGateRegistration.CreateAnalyser(settings);
        using var gallery = new FaceGallery(new FaceGalleryOptions { Thresholds = LiveGateRegistration.Thresholds(settings.Recognition) });
        var faces = analyser.Pipeline.AnalyseFile(run.Photo);
        if (faces.Count != 1 || faces[0].Embedding.IsEmpty)
        {
            throw new InvalidDataException($"{run.Photo}: expected exactly one face, found {faces.Count}");
        }
        gallery.AddTemplate(1, PersonId, faces[0].Embedding.Span);

        using var testServer = run.Urls.Length == 0 ? await TestStreamServer.StartAsync(run, cancellationToken).ConfigureAwait(false) : null;
        var urls = testServer is null ? run.Urls : [testServer.Url];
        var cameras = settings.Cameras.Select((camera, index) => new CameraOptions
        {
            Name = camera.Name,
            Door = camera.Door,
            Url = urls[index % urls.Length],
            AnalyseFps = camera.AnalyseFps,
        }).ToList();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(gallery);
        builder.Services.AddSingleton<IFaceAnalyser>(new BorrowedAnalyser(analyser));
        builder.Services.AddRecognition(new EdgeGateSettings
        {
            Models = settings.Models,
            Recognition = settings.Recognition,
            Gateway = settings.Gateway,
            Cameras = cameras,
        });
        using var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var outputs = host.Services.GetRequiredService<RecognitionOutputs>();
            var registry = host.Services.GetRequiredService<CameraHealthRegistry>();
            var handOff = host.Services.GetRequiredService<FrameHandOff>();
            var statistics = host.Services.GetRequiredService<RecognitionService>().Statistics;
            var candidates = new List<FaceCandidate>();
            var strangers = 0;
            var measuring = false;

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reader = Task.Run(async () =>
            {
                try
                {
                    while (await outputs.Candidates.WaitToReadAsync(stop.Token).ConfigureAwait(false))
                    {
                        while (outputs.Candidates.TryRead(out var candidate))
                        {
                            if (Volatile.Read(ref measuring))
                            {
                                lock (candidates)
                                {
                                    candidates.Add(candidate);
                                }
                            }
                        }
                        while (outputs.Strangers.TryRead(out _))
                        {
                            if (Volatile.Read(ref measuring))
                            {
                                Interlocked.Increment(ref strangers);
                            }
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // The run is over.
                }
            }, CancellationToken.None);

            await Task.Delay(TimeSpan.FromSeconds(run.WarmUpSeconds), cancellationToken).ConfigureAwait(false);
            var before = registry.Snapshot().ToDictionary(health => health.Name);
            var droppedBefore = handOff.DroppedFrames;
            var analysedBefore = statistics.FramesAnalysed;
            var analysisBefore = statistics.AnalysisTime;
            statistics.ResetLatencies();
            Volatile.Write(ref measuring, true);
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var machineBefore = MachineCpu.Read();
            var watch = Stopwatch.StartNew();
            var maximumQueued = 0;
            while (watch.Elapsed < TimeSpan.FromSeconds(run.Seconds))
            {
                maximumQueued = Math.Max(maximumQueued, handOff.Count);
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            Volatile.Write(ref measuring, false);
            var elapsed = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var machine = MachineCpu.Read();
            var after = registry.Snapshot();
            var latencies = statistics.FrameLatencyMilliseconds();
            var analysed = statistics.FramesAnalysed - analysedBefore;
            var analysisMilliseconds = (statistics.AnalysisTime - analysisBefore).TotalMilliseconds;
            await stop.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);

            List<FaceCandidate> measured;
            lock (candidates)
            {
                measured = [.. candidates];
            }
            var perCamera = after.Select(health =>
            {
                var start = before[health.Name];
                return new CameraBenchResult(
                    health.Name,
                    health.State.ToString(),
                    (health.FramesIn - start.FramesIn) / elapsed,
                    (health.FramesAnalysed - start.FramesAnalysed) / elapsed,
                    health.FramesDropped - start.FramesDropped,
                    health.StaleFrames - start.StaleFrames,
                    health.Reconnects,
                    health.LastError);
            }).ToList();
            return new LiveBenchResult(
                run,
                testServer is null ? "given URLs" : $"RTSP test server {run.Width}x{run.Height}@{run.StreamFps}",
                measured.Count,
                measured.Count(candidate => !candidate.LivenessPassed),
                strangers,
                Percentiles.Of(measured.Select(candidate => candidate.FrameToCandidate.TotalMilliseconds).ToList()),
                Percentiles.Of(measured.Select(candidate => (candidate.EmittedAt - candidate.TrackStartedAt).TotalMilliseconds).ToList()),
                Percentiles.Of(latencies),
                analysed == 0 ? 0 : analysisMilliseconds / analysed,
                100 * cpu / elapsed,
                MachineCpu.Percent(machineBefore, machine),
                Environment.ProcessorCount,
                maximumQueued,
                handOff.CapacityPerCamera * run.Cameras,
                handOff.DroppedFrames - droppedBefore,
                perCamera);
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The benchmark owns the analyser; the host must not dispose it.</summary>
    private sealed class BorrowedAnalyser(IFaceAnalyser inner) : IFaceAnalyser
    {
        public void Detect(ReadOnlyImageSpan frame, List<FaceObservation> faces) => inner.Detect(frame, faces);

        public FaceObservation Describe(ReadOnlyImageSpan frame, int face) => inner.Describe(frame, face);

        public void WarmUp() => inner.WarmUp();

        public void Detect(ReadOnlyImageSpan frame, List<System.Drawing.RectangleF> faces) => inner.Detect(frame, faces);

        public void Dispose()
        {
        }
    }

    /// <summary>Whole-machine CPU from /proc/stat (busy and total jiffies).</summary>
    private static class MachineCpu
    {
        public static (long Busy, long Total) Read()
        {
            try
            {
                var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
                var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
                var total = fields.Take(8).Sum();
                return (total - idle, total);
            }
            catch (Exception exception) when (exception is IOException or FormatException or UnauthorizedAccessException)
            {
                return (0, 0);
            }
        }

        public static double Percent((long Busy, long Total) before, (long Busy, long Total) after) =>
            after.Total <= before.Total ? double.NaN : 100.0 * (after.Busy - before.Busy) / (after.Total - before.Total);
    }
}

/// <summary>
/// The GStreamer RTSP test server (Demo/rtsp_server.py through
/// /usr/bin/python3) on 127.0.0.1 and a free port, streaming the photo (filling the frame, so no
/// black bars) alternating with a blank. Killed on dispose.
/// </summary>
internal sealed class TestStreamServer : IDisposable
{
    private readonly Process process;
    private readonly string framePath;

    private TestStreamServer(Process process, string url, string framePath)
    {
        this.process = process;
        Url = url;
        this.framePath = framePath;
    }

    public string Url { get; }

    public static async Task<TestStreamServer> StartAsync(LiveBenchmarkRun run, CancellationToken cancellationToken)
    {
        var script = run.ServerScript ?? FindScript()
            ?? throw new FileNotFoundException("the RTSP test server script was not found: pass --rtsp-server or --url");
        var framePath = Path.Combine(Path.GetTempPath(), $"edgegate-bench-{Environment.ProcessId}.jpg");
        RenderFrame(run.Photo, run.Width, run.Height, framePath);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, "--port", port.ToString(CultureInfo.InvariantCulture), "--path", "/bench",
            "--fps", run.StreamFps.ToString(CultureInfo.InvariantCulture), "--size", $"{run.Width}x{run.Height}",
            "--exit-on-stdin-eof",
            "--image", $"{framePath}:{run.PresentSeconds.ToString(CultureInfo.InvariantCulture)}",
        })
        {
            start.ArgumentList.Add(argument);
        }
        if (run.AbsentSeconds > 0)
        {
            start.ArgumentList.Add("--blank");
            start.ArgumentList.Add(run.AbsentSeconds.ToString(CultureInfo.InvariantCulture));
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var server = new TestStreamServer(process, $"rtsp://127.0.0.1:{port}/bench", framePath);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"the RTSP test server exited: {await process.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false)}");
                if (line.StartsWith("READY rtsp://", StringComparison.Ordinal))
                {
                    return server;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            server.Dispose();
            throw new TimeoutException("the RTSP test server did not become ready within 30 s");
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
        File.Delete(framePath);
    }

    /// <summary>
    /// The photo scaled to the frame height and centred, over the same photo stretched to the
    /// whole frame (the liveness model reads black bars around a face as a screen's bezel).
    /// </summary>
    internal static void RenderFrame(string photoPath, int width, int height, string outputPath)
    {
        using var photo = BgrImage.Load(photoPath);
        using var frame = BgrImage.Create(width, height);
        ImageOps.Resize(photo.AsReadOnlySpan(), frame.AsSpan(), Interpolation.Linear);
        var scaledWidth = Math.Min(width, Math.Max(1, (int)Math.Round((double)photo.Width * height / photo.Height)));
        var scaledHeight = scaledWidth == width ? Math.Max(1, (int)Math.Round((double)photo.Height * width / photo.Width)) : height;
        var x = (width - scaledWidth) / 2;
        var y = (height - scaledHeight) / 2;
        ImageOps.Resize(photo.AsReadOnlySpan(), frame.AsSpan().Slice(x, y, scaledWidth, scaledHeight), Interpolation.Area);
        File.WriteAllBytes(outputPath, frame.EncodeJpeg(95));
    }

    /// <summary>The script ships next to the program (Demo/rtsp_server.py).</summary>
    private static string? FindScript()
    {
        var candidate = Path.Combine(AppContext.BaseDirectory, "Demo", "rtsp_server.py");
        return File.Exists(candidate) ? candidate : null;
    }
}
