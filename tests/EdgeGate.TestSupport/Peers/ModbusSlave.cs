using System.Globalization;

namespace EdgeGate.TestSupport.Peers;

/// <summary>A coil or holding register change seen by the slave, with its CLOCK_MONOTONIC time.</summary>
public sealed record ModbusSlaveEvent(string Kind, int Address, int Value, double MonotonicSeconds);

/// <summary>How the independent slave behaves.</summary>
public sealed record ModbusSlaveOptions
{
    public int SlaveId { get; init; } = 1;

    public int BaudRate { get; init; } = 9600;

    /// <summary>Initial discrete inputs (address 0 first).</summary>
    public IReadOnlyList<bool> DiscreteInputs { get; init; } = new bool[8];

    /// <summary>Bytes the slave sends before every reply (line noise), empty for none.</summary>
    public byte[] NoiseBeforeReply { get; init; } = [];

    /// <summary>How many of the first replies are sent <see cref="LateBy"/> late (the slave is busy meanwhile).</summary>
    public int LateReplies { get; init; }

    public TimeSpan LateBy { get; init; }
}

/// <summary>
/// An independent Modbus RTU slave: Debian's python3-pymodbus (3.0) serving one slave id on a
/// serial device (<c>Peers/modbus_slave.py</c>, which ships with the gateway as <c>Demo/modbus_slave.py</c>). It prints every coil and register write
/// and every read request with a monotonic timestamp, so a test sees a relay pulse from the slave's side; a test changes
/// its discrete inputs (door contact, exit button) while it runs.
/// </summary>
public sealed class ModbusSlave : IDisposable
{
    private readonly PeerProcess process;

    private ModbusSlave(PeerProcess process)
    {
        this.process = process;
    }

    public string Output => process.Output;

    public bool HasExited => process.HasExited;

    public static async Task<ModbusSlave> StartAsync(string devicePath, ModbusSlaveOptions? options = null, TimeSpan? timeout = null)
    {
        options ??= new ModbusSlaveOptions();
        var arguments = new List<string>
        {
            "-u", ScriptPath,
            "--port", devicePath,
            "--slave", options.SlaveId.ToString(CultureInfo.InvariantCulture),
            "--baud", options.BaudRate.ToString(CultureInfo.InvariantCulture),
            "--discrete-inputs", string.Join(",", options.DiscreteInputs.Select(b => b ? "1" : "0")),
        };
        if (options.NoiseBeforeReply.Length > 0)
        {
            arguments.AddRange(["--noise-hex", Convert.ToHexString(options.NoiseBeforeReply)]);
        }
        if (options.LateReplies > 0)
        {
            arguments.AddRange([
                "--late-replies", options.LateReplies.ToString(CultureInfo.InvariantCulture),
                "--late-by-ms", ((int)options.LateBy.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ]);
        }
        var process = PeerProcess.Start("/usr/bin/python3", arguments);
        var slave = new ModbusSlave(process);
        try
        {
            await process.WaitForOutputAsync("ready", timeout ?? TimeSpan.FromSeconds(20));
            return slave;
        }
        catch
        {
            slave.Dispose();
            throw;
        }
    }

    /// <summary>Coil writes and register changes so far, oldest first.</summary>
    public IReadOnlyList<ModbusSlaveEvent> Events
    {
        get
        {
            var events = new List<ModbusSlaveEvent>();
            foreach (var line in process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = line.Split(' ');
                if (parts.Length == 4 && parts[0] is "coil" or "register"
                    && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var address)
                    && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var value)
                    && double.TryParse(parts[3], CultureInfo.InvariantCulture, out var seconds))
                {
                    events.Add(new ModbusSlaveEvent(parts[0], address, value, seconds));
                }
            }
            return events;
        }
    }

    /// <summary>Read requests so far (function code 1-4, e.g. 1 = read coils), with their CLOCK_MONOTONIC times, oldest first.</summary>
    public IReadOnlyList<(int FunctionCode, int Address, int Count, double MonotonicSeconds)> Reads =>
        process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 5 && parts[0] == "read")
            .Select(parts => (
                int.Parse(parts[1], CultureInfo.InvariantCulture),
                int.Parse(parts[2], CultureInfo.InvariantCulture),
                int.Parse(parts[3], CultureInfo.InvariantCulture),
                double.Parse(parts[4], CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Waits until the events satisfy <paramref name="condition"/>; returns them.</summary>
    public async Task<IReadOnlyList<ModbusSlaveEvent>> WaitForEventsAsync(Func<IReadOnlyList<ModbusSlaveEvent>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = Events;
            if (condition(events))
            {
                return events;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the Modbus slave did not report the expected events within {timeout}:\n{process.Output}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Sets discrete input <paramref name="address"/> (a door contact, an exit button) and waits
    /// until the slave has it; returns the slave's CLOCK_MONOTONIC time of the change.
    /// </summary>
    public async Task<double> SetDiscreteInputAsync(int address, bool value, TimeSpan? timeout = null)
    {
        var line = $"input {address} {(value ? 1 : 0)} ";
        var before = CountLines(line);
        await process.WriteLineAsync($"di {address} {(value ? 1 : 0)}");
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (CountLines(line) == before)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the Modbus slave did not confirm discrete input {address} = {value}:\n{process.Output}");
            }
            await Task.Delay(10);
        }
        var last = process.Output.Split('\n').Last(text => text.StartsWith(line, StringComparison.Ordinal));
        return double.Parse(last.Split(' ')[3], CultureInfo.InvariantCulture);
    }

    private int CountLines(string prefix) =>
        process.Output.Split('\n').Count(text => text.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Kills the slave (a dead board on the bus).</summary>
    public void Stop() => process.Kill();

    public void Dispose() => process.Dispose();

    private static string ScriptPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "Peers", "modbus_slave.py");
            return File.Exists(beside) ? beside : Path.Combine(RepositoryPaths.Root, "src", "EdgeGate.Gateway", "Demo", "modbus_slave.py");
        }
    }
}
