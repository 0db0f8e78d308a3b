using System.Diagnostics;
using System.Globalization;

namespace EdgeGate.TestSupport;

/// <summary>
/// CPU time of this test process over a window, with the share of the runtime's JIT tiering thread
/// (".NET Tiered Com…") apart: right after start-up it recompiles hot code for hundreds of ms, which
/// belongs to the runtime, not to the code under test. Read from /proc (Linux clock ticks, 10 ms).
/// </summary>
public sealed class ProcessCpu
{
    private readonly TimeSpan totalBefore;
    private readonly Dictionary<string, (string Name, long Ticks)> threadsBefore;

    private ProcessCpu(TimeSpan totalBefore, Dictionary<string, (string Name, long Ticks)> threadsBefore)
    {
        this.totalBefore = totalBefore;
        this.threadsBefore = threadsBefore;
    }

    /// <summary>Starts a window now.</summary>
    public static ProcessCpu Start()
    {
        var threads = ThreadTimes();
        using var process = Process.GetCurrentProcess();
        return new ProcessCpu(process.TotalProcessorTime, threads);
    }

    /// <summary>The CPU time used since <see cref="Start"/>: the whole process, and of it the JIT tiering thread; per thread for the output.</summary>
    public (TimeSpan Total, TimeSpan JitTiering, IReadOnlyList<string> Threads) Stop()
    {
        using var process = Process.GetCurrentProcess();
        var total = process.TotalProcessorTime - totalBefore;
        var jit = TimeSpan.Zero;
        var lines = new List<string>();
        foreach (var (id, (name, ticks)) in ThreadTimes())
        {
            var delta = TimeSpan.FromMilliseconds(10 * (ticks - (threadsBefore.TryGetValue(id, out var old) ? old.Ticks : 0)));
            if (delta > TimeSpan.Zero)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"thread {id} '{name}': {delta.TotalMilliseconds:0} ms"));
            }
            if (name.StartsWith(".NET Tiered Com", StringComparison.Ordinal))
            {
                jit += delta;
            }
        }
        return (total, jit, lines);
    }

    private static Dictionary<string, (string Name, long Ticks)> ThreadTimes()
    {
        var result = new Dictionary<string, (string, long)>();
        foreach (var directory in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                result[Path.GetFileName(directory)] = (File.ReadAllText(Path.Combine(directory, "comm")).Trim(),
                    long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }
        return result;
    }
}
