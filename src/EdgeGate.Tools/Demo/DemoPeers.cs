using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeGate.Tools.Demo;

/// <summary>
/// A helper program the demo and the benchmarks run beside the gateway (the RTSP test stream, a
/// local mosquitto, socat, the Modbus slave). Its latest output is kept for error messages, and
/// every line can be handed to a callback as it comes; disposing kills it.
/// </summary>
internal sealed class DemoPeer : IDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly Action<string>? onLine;

    private DemoPeer(Process process, Action<string>? onLine)
    {
        this.process = process;
        this.onLine = onLine;
    }

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <param name="onLine">Called with every line of output as it arrives (on a reader thread).</param>
    public static DemoPeer Start(string fileName, IEnumerable<string> arguments, Action<string>? onLine = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = startInfo };
        var peer = new DemoPeer(process, onLine);
        process.OutputDataReceived += (_, e) => peer.Add(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Waits until the program prints <paramref name="text"/>; fails if it exits or takes too long.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} stopped: {Output}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{process.StartInfo.FileName} did not become ready within {timeout}: {Output}");
            }
            await Task.Delay(50, cancellationToken);
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
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForTcpPortAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    /// <summary>mosquitto on 127.0.0.1:<paramref name="port"/>, anonymous, no persistence (demo only).</summary>
    /// <summary>Starts a broker on 127.0.0.1:<paramref name="port"/> with its files in <paramref name="directory"/>; null when mosquitto is not installed.</summary>
    public static async Task<DemoPeer?> StartMosquittoAsync(string directory, int port, CancellationToken cancellationToken, string? executable = null)
    {
        executable ??= File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : null;
        if (executable is null || (Path.IsPathRooted(executable) && !File.Exists(executable)))
        {
            return null;
        }
        Directory.CreateDirectory(directory);
        var configuration = Path.Combine(directory, "mosquitto.conf");
        var lines = new List<string>
        {
            $"listener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "log_dest none",
            // Nagle on the broker's side adds ~44 ms to every command round trip (docs/protocol.md).
            "set_tcp_nodelay true",
        };
        if (Environment.UserName == "root")
        {
            // As root mosquitto would switch to user "mosquitto", which cannot read this folder.
            lines.Add("user root");
        }
        await File.WriteAllLinesAsync(configuration, lines, cancellationToken);
        var peer = Start(executable, ["-c", configuration]);
        await WaitForTcpPortAsync(port, TimeSpan.FromSeconds(10), cancellationToken);
        return peer;
    }

    /// <summary>Writes a line to the program's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        onLine?.Invoke(line);
        lock (lines)
        {
            lines.Add(line);
            if (lines.Count > 200)
            {
                lines.RemoveAt(0);
            }
        }
    }
}
