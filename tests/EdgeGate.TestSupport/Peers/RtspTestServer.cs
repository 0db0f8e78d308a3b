using System.Globalization;

namespace EdgeGate.TestSupport.Peers;

/// <summary>One part of the looping test stream: a still image, or a blank (nobody in view) frame.</summary>
public sealed record RtspSegment(string? ImagePath, double Seconds)
{
    public static RtspSegment Image(string path, double seconds) => new(Path.GetFullPath(path), seconds);

    public static RtspSegment Blank(double seconds) => new(null, seconds);

    internal IEnumerable<string> ToArguments() => ImagePath is null
        ? ["--blank", Seconds.ToString(CultureInfo.InvariantCulture)]
        : ["--image", $"{ImagePath}:{Seconds.ToString(CultureInfo.InvariantCulture)}"];
}

/// <summary>
/// GStreamer's RTSP server (Peers/rtsp_server.py through Debian's /usr/bin/python3) on
/// 127.0.0.1 and a free port, streaming a looping H.264 video of still images. Each client gets
/// its own stream starting at the first segment. Dispose always stops it.
/// </summary>
public sealed class RtspTestServer : IDisposable
{
    private static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<string> arguments;
    private readonly TimeSpan readyTimeout;
    private PeerProcess? process;

    private RtspTestServer(int port, string path, IReadOnlyList<string> arguments, TimeSpan readyTimeout)
    {
        Port = port;
        Url = $"rtsp://127.0.0.1:{port}{path}";
        this.arguments = arguments;
        this.readyTimeout = readyTimeout;
    }

    public int Port { get; }

    public string Url { get; }

    /// <summary>Time from process start to the READY line at the last (re)start.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>What the server printed (for failure messages).</summary>
    public string Output => process?.Output ?? string.Empty;

    /// <summary>Path of the server script (copied next to the test assembly, else in the repository).</summary>
    public static string ScriptPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "Peers", "rtsp_server.py");
            return File.Exists(beside)
                ? beside
                : Path.Combine(RepositoryPaths.Root, "src", "EdgeGate.Tools", "Demo", "rtsp_server.py");
        }
    }

    /// <summary>Starts the server and waits (bounded) until it listens.</summary>
    public static async Task<RtspTestServer> StartAsync(
        IReadOnlyList<RtspSegment> segments,
        int width = 1280,
        int height = 720,
        int framesPerSecond = 15,
        string path = "/gate",
        TimeSpan? readyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        for (var attempt = 1; ; attempt++)
        {
            var port = PeerProcess.FreeTcpPort();
            var arguments = new List<string>
            {
                ScriptPath,
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--path", path,
                "--fps", framesPerSecond.ToString(CultureInfo.InvariantCulture),
                "--size", $"{width}x{height}",
                "--exit-on-stdin-eof",
            };
            foreach (var segment in segments)
            {
                arguments.AddRange(segment.ToArguments());
            }
            var server = new RtspTestServer(port, path, arguments, readyTimeout ?? DefaultReadyTimeout);
            try
            {
                await server.RestartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("cannot listen", StringComparison.Ordinal))
            {
                // Another process took the port between the probe and the bind: try another one.
                server.Dispose();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    /// <summary>Kills the server (as a crash would), leaving the port free for <see cref="RestartAsync"/>.</summary>
    public void Kill()
    {
        process?.Dispose();
        process = null;
    }

    /// <summary>(Re)starts the server on the same port and waits until it listens.</summary>
    public async Task RestartAsync()
    {
        Kill();
        var started = DateTime.UtcNow;
        process = PeerProcess.Start("/usr/bin/python3", arguments);
        await process.WaitForOutputAsync("READY rtsp://", readyTimeout);
        StartupTime = DateTime.UtcNow - started;
    }

    public void Dispose() => Kill();
}
