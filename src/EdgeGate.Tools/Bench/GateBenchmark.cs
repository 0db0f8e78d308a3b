using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using EdgeGate.Access;
using EdgeGate.Capture;
using EdgeGate.Configuration;
using EdgeGate.Imaging;
using EdgeGate.Recognition;
using EdgeGate.Tools.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGate.Tools.Bench;

/// <summary>
/// The run behind <c>bench gate</c>. Peers: socat makes a pty pair, the pymodbus slave
/// (<c>Demo/modbus_slave.py</c>) serves one relay coil per camera on one end and prints every coil
/// write with its CLOCK_MONOTONIC arrival time; the RTSP test server (<c>Demo/rtsp_server.py --stamp</c>)
/// streams blanks until told to start, then nobody and the face in turn on every camera, each frame
/// stamped with its push ("glass") time, and prints when each face segment starts. The person is
/// enrolled by <c>edgegate persons add</c> and <c>edgegate enrol</c> in child processes, so that
/// nothing of the face path has run in this process before the gateway starts. The gateway is the
/// real host (built as by <c>GatewayHost.Build</c>) from a configuration file, as <c>edgegate run</c> builds
/// it, with two observers: the frame source notes when each stamped frame left the decoder, and the
/// face analyser when each frame's analysis started and ended. The door command's queueing time
/// comes from the door's own record (<see cref="DoorRequest.RequestedAt"/>).
/// </summary>
internal static class GateBenchmark
{
    private const string PersonId = "bench-resident";
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(30);

    public static async Task<GateBenchResult> RunAsync(GateBenchmarkRun run, Func<EdgeGateSettings, Action<IServiceCollection>, WebApplication> buildGateway, TextWriter progress, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("edgegate-bench-gate-").FullName;
        var record = new GateRecord();
        try
        {
            using var line = await StartPtyPairAsync(directory, cancellationToken).ConfigureAwait(false);
            var boardSide = Path.Combine(directory, "board");
            using var board = DemoPeer.Start("/usr/bin/python3", [
                "-u", PeerScript("modbus_slave.py"), "--port", boardSide, "--coils", GateBenchmarkRun.MaximumCameras.ToString(CultureInfo.InvariantCulture),
            ], record.OnBoardLine);
            await board.WaitForAsync("ready", PeerTimeout, cancellationToken).ConfigureAwait(false);
            // The photo filling the frame (over a stretched copy of itself: black bars read as a screen's bezel).
            var framePath = Path.Combine(directory, "face.jpg");
            TestStreamServer.RenderFrame(run.Photo, run.Width, run.Height, framePath);
            var port = DemoPeer.FreeTcpPort();
            var paths = Enumerable.Range(1, run.Cameras).Select(index => $"/cam{index}").ToList();
            var serverArguments = new List<string>
            {
                PeerScript("rtsp_server.py"), "--port", port.ToString(CultureInfo.InvariantCulture),
                "--fps", run.Fps.ToString(CultureInfo.InvariantCulture), "--size", $"{run.Width}x{run.Height}",
                "--stamp", "--wait-for-start", "--exit-on-stdin-eof",
                // A face shows up anywhere in the gateway's frame cadence, not at the same point each time.
                "--blank-jitter-frames", run.Fps.ToString(CultureInfo.InvariantCulture),
                "--blank", run.AbsentSeconds.ToString(CultureInfo.InvariantCulture),
                "--image", $"{framePath}:{run.PresentSeconds.ToString(CultureInfo.InvariantCulture)}",
            };
            foreach (var path in paths)
            {
                serverArguments.AddRange(["--path", path]);
            }
            using var server = DemoPeer.Start("/usr/bin/python3", serverArguments, record.OnServerLine);
            await server.WaitForAsync("READY rtsp://", PeerTimeout, cancellationToken).ConfigureAwait(false);

            var configurationPath = WriteConfiguration(run, directory, Path.Combine(directory, "gateway"), paths.Select(path => $"rtsp://127.0.0.1:{port}{path}").ToList());
            progress.WriteLine("bench gate: enrolling the photo (edgegate persons add, edgegate enrol)");
            await EnrolAsync(configurationPath, run.EnrolPhoto, cancellationToken).ConfigureAwait(false);
            var settings = EdgeGateSettings.Load(configurationPath);
            var cameraOf = settings.Cameras.ToDictionary(camera => camera.Url, camera => camera.Name, StringComparer.Ordinal);

            progress.WriteLine("bench gate: starting the gateway");
            await using var app = buildGateway(settings, services =>
            {
                services.AddSingleton<FrameSourceOpener>((url, openTimeout, readTimeout) =>
                    new StampedFrameSource(VideoFrameSource.Opener(run.CaptureOptions)(url, openTimeout, readTimeout), cameraOf[url], record));
                services.AddSingleton<IFaceAnalyser>(_ => new TimedAnalyser(LiveGateRegistration.CreateAnalyser(settings), record));
            });
            var feed = app.Services.GetRequiredService<DecisionFeed>();
            using var subscription = feed.Subscribe();
            var collecting = Task.Run(() => record.CollectAsync(subscription.Reader), CancellationToken.None);

            var starting = Stopwatch.StartNew();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var startToReady = starting.Elapsed;
            try
            {
                await WaitUntilAsync(() => record.CamerasWithStampedFrames() == run.Cameras, PeerTimeout, "stamped frames from every camera", cancellationToken).ConfigureAwait(false);
                progress.WriteLine($"bench gate: ready after {startToReady.TotalMilliseconds:F0} ms; presenting the face {run.Presentations + 1} times per camera");
                using var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var measuring = Stopwatch.StartNew();
                await server.WriteLineAsync("start").ConfigureAwait(false);
                var cycle = TimeSpan.FromSeconds(run.PresentSeconds + run.AbsentSeconds);
                await WaitUntilAsync(
                    () => paths.All(path => record.SegmentsStarted(path, "blank") >= run.Presentations + 2),
                    (cycle * (run.Presentations + 2)) + PeerTimeout,
                    "the last presentation to end",
                    cancellationToken).ConfigureAwait(false);
                // The last pulse: its ON has arrived long before, this only lets the feed catch up.
                await Task.Delay(run.PulseLength + TimeSpan.FromSeconds(0.5), cancellationToken).ConfigureAwait(false);
                process.Refresh();
                var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / measuring.Elapsed.TotalSeconds;
                return record.Summarise(run, settings, startToReady, 100 * cpu, LoadAverage());
            }
            finally
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await app.StopAsync(stopping.Token).ConfigureAwait(false);
                subscription.Dispose();
                await collecting.ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private static async Task<DemoPeer> StartPtyPairAsync(string directory, CancellationToken cancellationToken)
    {
        var peer = DemoPeer.Start("socat", ["-d", "-d", $"pty,raw,echo=0,link={Path.Combine(directory, "board")}", $"pty,raw,echo=0,link={Path.Combine(directory, "gateway")}"]);
        try
        {
            await peer.WaitForAsync("starting data transfer loop", PeerTimeout, cancellationToken).ConfigureAwait(false);
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>The gateway's configuration: one camera and one Modbus relay door (coil) per camera, no uplink, no API.</summary>
    private static string WriteConfiguration(GateBenchmarkRun run, string directory, string relayPort, IReadOnlyList<string> urls)
    {
        var path = Path.Combine(directory, "edgegate.json");
        using (var stream = File.Create(path))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Gateway");
            writer.WriteString("SiteId", "bench");
            writer.WriteString("GatewayId", "bench-gate");
            writer.WriteString("DataDirectory", Path.Combine(directory, "data"));
            writer.WriteString("CredentialsDirectory", Path.Combine(directory, "credentials"));
            writer.WriteString("LogDirectory", Path.Combine(directory, "logs"));
            writer.WriteEndObject();
            // One presentation every few seconds is one person walking up again and again.
            writer.WriteStartObject("Policy");
            writer.WriteString("Cooldown", "00:00:01");
            writer.WriteEndObject();
            writer.WriteStartObject("Uplink");
            writer.WriteBoolean("Enabled", false);
            writer.WriteEndObject();
            writer.WriteStartObject("Api");
            writer.WriteBoolean("Enabled", false);
            writer.WriteEndObject();
            writer.WriteStartArray("Cameras");
            for (var index = 0; index < urls.Count; index++)
            {
                writer.WriteStartObject();
                writer.WriteString("Name", CameraName(index));
                writer.WriteString("Url", urls[index]);
                writer.WriteString("Door", DoorName(index));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("Doors");
            for (var index = 0; index < urls.Count; index++)
            {
                writer.WriteStartObject();
                writer.WriteString("Name", DoorName(index));
                writer.WriteString("Kind", "ModbusRtu");
                writer.WriteString("PulseLength", run.PulseLength.ToString("c", CultureInfo.InvariantCulture));
                writer.WriteStartObject("ModbusRtu");
                writer.WriteString("Port", relayPort);
                writer.WriteNumber("SlaveId", 1);
                writer.WriteNumber("Coil", index);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return path;
    }

    internal static string CameraName(int index) => $"cam{index + 1}";

    internal static string DoorName(int index) => $"door{index + 1}";

    /// <summary>Adds the person and enrols the photo with this program's own command line, in child processes.</summary>
    private static async Task EnrolAsync(string configurationPath, string photo, CancellationToken cancellationToken)
    {
        await RunSelfAsync(["persons", "add", PersonId, "--name", "Bench Resident", "--consent", "--config", configurationPath], cancellationToken).ConfigureAwait(false);
        await RunSelfAsync(["enrol", PersonId, "--photo", photo, "--config", configurationPath], cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunSelfAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(program), "dotnet", StringComparison.Ordinal))
        {
            // The program (edgegate.dll) this command was started from, not this library.
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("cannot tell which program is running"));
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"edgegate {string.Join(' ', arguments.Take(2))} failed ({process.ExitCode}): {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }
    }

    private static string PeerScript(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Demo", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{name} is missing next to the program (Demo/{name})");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"no {what} within {timeout.TotalSeconds:F0} s");
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or FormatException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    /// <summary>Reads frames through the real source and notes the glass stamp and arrival of each.</summary>
    private sealed class StampedFrameSource(IFrameSource inner, string camera, GateRecord record) : IFrameSource
    {
        public bool TryRead(BgrFrameBuffer frame)
        {
            if (!inner.TryRead(frame))
            {
                return false;
            }
            var arrived = BenchClock.NowMicroseconds();
            var arrivedAt = DateTimeOffset.UtcNow;
            if (GlassStamp.TryRead(frame.AsReadOnlySpan(), out var glass, out _))
            {
                record.FrameArrived(new FrameRecord(camera, glass, arrived, arrivedAt));
            }
            return true;
        }

        public bool Grab() => inner.Grab();

        public void Dispose() => inner.Dispose();
    }

    /// <summary>
    /// Runs the real face analyser and notes when each stamped frame's analysis started (detection)
    /// and ended (its last face described).
    /// </summary>
    private sealed class TimedAnalyser(IFaceAnalyser inner, GateRecord record) : IFaceAnalyser
    {
        private AnalysisRecord? current;

        public void Detect(ReadOnlyImageSpan frame, List<FaceObservation> faces)
        {
            var started = BenchClock.NowMicroseconds();
            current = GlassStamp.TryRead(frame, out var glass, out var streamId) ? new AnalysisRecord(streamId, glass, started) : null;
            inner.Detect(frame, faces);
            if (current is not null)
            {
                current.EndedMicroseconds = BenchClock.NowMicroseconds();
                record.Analysed(current);
            }
        }

        public FaceObservation Describe(ReadOnlyImageSpan frame, int face)
        {
            var described = inner.Describe(frame, face);
            current?.EndedMicroseconds = BenchClock.NowMicroseconds();
            return described;
        }

        public void Detect(ReadOnlyImageSpan frame, List<System.Drawing.RectangleF> faces) => inner.Detect(frame, faces);

        public void WarmUp() => inner.WarmUp();

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>This process's CLOCK_MONOTONIC (the <see cref="Stopwatch"/> clock on Linux) in microseconds, the clock both peers stamp with.</summary>
internal static class BenchClock
{
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000.0;

    public static long NowMicroseconds() => (long)(Stopwatch.GetTimestamp() / TicksPerMicrosecond);
}

internal sealed record FrameRecord(string Camera, long GlassMicroseconds, long ArrivedMicroseconds, DateTimeOffset ArrivedAt);

/// <summary>One stamped frame's analysis; it ends when its last face is described (set while it runs).</summary>
internal sealed class AnalysisRecord(int streamId, long glassMicroseconds, long startedMicroseconds)
{
    public int StreamId { get; } = streamId;

    public long GlassMicroseconds { get; } = glassMicroseconds;

    public long StartedMicroseconds { get; } = startedMicroseconds;

    public long EndedMicroseconds { get; set; } = startedMicroseconds;
}

internal sealed record SegmentRecord(string Path, string Kind, long StartedMicroseconds);

internal sealed record CoilRecord(int Coil, bool On, long ArrivedMicroseconds);

/// <summary>Something the gateway published, with this process's monotonic and wall clock when it was read from the feed.</summary>
internal sealed record FeedRecord(DecisionFeedItem Item, long ReadMicroseconds, DateTimeOffset ReadAt);
