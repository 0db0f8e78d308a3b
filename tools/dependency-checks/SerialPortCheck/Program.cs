// System.IO.Ports 10.0 against EdgeGate's termios layer (SerialPortStream) on a socat pty whose far
// end echoes every byte (socat pty,raw,echo=0,link=<tmp>/tty SYSTEM:cat). One implementation per
// process, so the CPU figures are that implementation's alone:
//
//   SerialPortCheck ports|termios
//
// 1. round trip: 8 bytes out, 8 bytes back, 2000 times (median, p90);
// 2. a read waiting 10 s for a byte that never comes: CPU time of the whole process;
// 3. the far end hangs up (socat killed) while a read waits: how the read ends, then how long
//    Close/Dispose takes (given up after 10 s).
using System.Diagnostics;
using System.IO.Ports;
using EdgeGate.Devices.Serial;

if (args is not ["ports" or "termios"])
{
    Console.Error.WriteLine("usage: SerialPortCheck ports|termios");
    return 2;
}
var implementation = args[0];

using (var echo = EchoPty.Start())
using (var port = SerialLine.Open(implementation, echo.Path))
{
    var request = "\x01\x05\x00\x00\xFF\x00\x8C\x3A"u8.ToArray();
    var answer = new byte[request.Length];
    var times = new double[2000];
    for (var round = -50; round < times.Length; round++)
    {
        var start = Stopwatch.GetTimestamp();
        port.Write(request);
        for (var received = 0; received < answer.Length;)
        {
            received += port.Read(answer.AsSpan(received));
        }
        if (round >= 0)
        {
            times[round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        if (!answer.AsSpan().SequenceEqual(request))
        {
            throw new InvalidDataException("the echo differs from what was sent");
        }
    }
    Array.Sort(times);
    Console.WriteLine($"{implementation}: round trip of 8 bytes: median {times[times.Length / 2]:F3} ms, p90 {times[times.Length * 9 / 10]:F3} ms");

    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var wallStart = Stopwatch.GetTimestamp();
    var timedOut = false;
    try
    {
        port.Read(answer, TimeSpan.FromSeconds(10));
    }
    catch (TimeoutException)
    {
        timedOut = true;
    }
    var wall = Stopwatch.GetElapsedTime(wallStart);
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpuBefore;
    Console.WriteLine($"{implementation}: a read waiting {wall.TotalSeconds:F1} s (timed out: {timedOut}) used {cpu.TotalMilliseconds:F0} ms CPU = {100 * cpu / wall:F2} % of a core");
}

using (var echo = EchoPty.Start())
{
    var port = SerialLine.Open(implementation, echo.Path);
    var reading = Task.Run(() =>
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var count = port.Read(new byte[8], TimeSpan.FromSeconds(20));
            return $"returned {count} after {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s";
        }
        catch (Exception exception)
        {
            return $"threw {exception.GetType().Name} ({exception.Message}) after {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s";
        }
    });
    Thread.Sleep(1000);
    echo.HangUp();
    Console.WriteLine($"{implementation}: far end hung up during a read: the read {(reading.Wait(TimeSpan.FromSeconds(25)) ? reading.Result : "was still waiting after 25 s")}");
    var closeStart = Stopwatch.GetTimestamp();
    var closing = Task.Run(port.Dispose);
    Console.WriteLine(closing.Wait(TimeSpan.FromSeconds(10))
        ? $"{implementation}: Close/Dispose after the hang-up took {Stopwatch.GetElapsedTime(closeStart).TotalMilliseconds:F0} ms"
        : $"{implementation}: Close/Dispose after the hang-up had not returned after 10 s");
    if (!closing.IsCompleted)
    {
        // A hung Close would keep the process alive; the figure above is what counts.
        Environment.Exit(0);
    }
}
return 0;

/// <summary>One API over both implementations: write, read with a timeout, dispose.</summary>
internal abstract class SerialLine : IDisposable
{
    public static SerialLine Open(string implementation, string path) =>
        implementation == "ports" ? new PortsLine(path) : new TermiosLine(path);

    public abstract void Write(byte[] data);

    public int Read(Span<byte> buffer) => Read(buffer, TimeSpan.FromSeconds(5));

    public abstract int Read(Span<byte> buffer, TimeSpan timeout);

    public abstract void Dispose();

    private sealed class PortsLine : SerialLine
    {
        private readonly SerialPort port;
        private readonly byte[] scratch = new byte[64];

        public PortsLine(string path)
        {
            port = new SerialPort(path, 9600, Parity.None, 8, StopBits.One);
            port.Open();
        }

        public override void Write(byte[] data) => port.Write(data, 0, data.Length);

        public override int Read(Span<byte> buffer, TimeSpan timeout)
        {
            port.ReadTimeout = (int)timeout.TotalMilliseconds;
            var count = port.Read(scratch, 0, Math.Min(buffer.Length, scratch.Length));
            scratch.AsSpan(0, count).CopyTo(buffer);
            return count;
        }

        public override void Dispose() => port.Close();
    }

    private sealed class TermiosLine(string path) : SerialLine
    {
        private readonly SerialPortStream stream = SerialPortStream.Open(path, 9600);

        public override void Write(byte[] data) => stream.Write(data);

        public override int Read(Span<byte> buffer, TimeSpan timeout)
        {
            stream.ReadTimeout = (int)timeout.TotalMilliseconds;
            return stream.Read(buffer);
        }

        public override void Dispose() => stream.Dispose();
    }
}

/// <summary>socat making a pty whose far end is `cat`: every byte written comes back.</summary>
internal sealed class EchoPty : IDisposable
{
    private readonly Process socat;
    private readonly string directory;

    private EchoPty(Process socat, string directory)
    {
        this.socat = socat;
        this.directory = directory;
    }

    public string Path => System.IO.Path.Combine(directory, "tty");

    public static EchoPty Start()
    {
        var directory = Directory.CreateTempSubdirectory("serial-check-").FullName;
        var socat = Process.Start(new ProcessStartInfo("socat", ["-d", "-d", $"pty,raw,echo=0,link={System.IO.Path.Combine(directory, "tty")}", "SYSTEM:cat"])
        {
            RedirectStandardError = true,
        })!;
        socat.ErrorDataReceived += (_, _) => { };
        socat.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(System.IO.Path.Combine(directory, "tty")))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10) || socat.HasExited)
            {
                throw new InvalidOperationException("socat did not make its pty (apt-get install socat)");
            }
            Thread.Sleep(10);
        }
        return new EchoPty(socat, directory);
    }

    public void HangUp()
    {
        socat.Kill();
        socat.WaitForExit();
    }

    public void Dispose()
    {
        if (!socat.HasExited)
        {
            HangUp();
        }
        socat.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
