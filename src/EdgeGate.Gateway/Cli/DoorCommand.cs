using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeGate.Core.Doors;
using EdgeGate.Gateway.Access;
using EdgeGate.Gateway.Configuration;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate door test &lt;name&gt;</c>: for installers. Pulses the door's relay through the same
/// driver the gateway uses and reports what the board answered; reads the door inputs where the
/// board has them. Stop the gateway service first: it holds the serial line.
/// </summary>
internal static class DoorCommand
{
    public static Command Create()
    {
        var command = new Command("door", "Installer tools for doors");
        command.Subcommands.Add(CreateTest());
        return command;
    }

    private static Command CreateTest()
    {
        var config = CliEnvironment.ConfigOption();
        var name = new Argument<string>("name") { Description = "The door's Name in the configuration" };
        var pulse = new Option<TimeSpan?>("--pulse") { Description = "Pulse length (hh:mm:ss[.fff]; default: the door's PulseLength)" };
        var command = new Command("test", "Pulse a door's relay and report what the board answered") { config, name, pulse };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            var output = CliEnvironment.Output(parseResult);
            var error = CliEnvironment.Error(parseResult);
            var doorName = parseResult.GetValue(name)!;
            var door = settings.Doors.FirstOrDefault(candidate => string.Equals(candidate.Name, doorName, StringComparison.OrdinalIgnoreCase));
            if (door is null)
            {
                error.WriteLine($"error: no door named '{doorName}' in the configuration (doors: {(settings.Doors.Count == 0 ? "none" : string.Join(", ", settings.Doors.Select(d => d.Name)))})");
                return ExitCodes.Refused;
            }
            var length = parseResult.GetValue(pulse) ?? door.PulseLength;
            if (length <= TimeSpan.Zero || length > TimeSpan.FromMinutes(1))
            {
                error.WriteLine($"error: --pulse must be between 0 and 1 minute (got {length})");
                return ExitCodes.Usage;
            }

            output.WriteLine($"door {door.Name}: {Describe(door)}");
            using var drivers = new DoorDrivers([door]);
            var driver = drivers.For(door.Name);
            output.WriteLine($"pulsing for {length.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms ...");
            var started = Stopwatch.GetTimestamp();
            var outcome = await driver.PulseAsync(length, cancellationToken);
            var took = Stopwatch.GetElapsedTime(started);
            output.WriteLine($"pulse: {AccessJournal.OutcomeName(outcome)} after {took.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms: {outcome.Describe()}");
            if (outcome.IsDone && !driver.Capabilities.HasFlag(DoorDriverCapabilities.ConfirmsCommands))
            {
                output.WriteLine("note: this device does not answer commands; check that the relay clicked and the lock released");
            }
            if (outcome.IsDone && (driver.Capabilities & (DoorDriverCapabilities.DoorSensor | DoorDriverCapabilities.ExitButton)) != 0)
            {
                var reading = await driver.ReadInputsAsync(cancellationToken);
                output.WriteLine(reading.Inputs is { } inputs
                    ? $"inputs: door {(inputs.DoorClosed is { } closed ? closed ? "closed" : "open" : "not wired")}, exit button {(inputs.ExitButtonPressed is { } pressed ? pressed ? "pressed" : "released" : "not wired")}"
                    : $"inputs: {reading.Outcome.Describe()}");
            }
            if (!outcome.IsDone)
            {
                error.WriteLine(Advice(door, outcome));
                return ExitCodes.Refused;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(DoorOptions door) => door.Kind switch
    {
        DoorKind.ModbusRtu when door.ModbusRtu is { } modbus =>
            $"Modbus RTU relay on {modbus.Port} at {modbus.BaudRate} baud, slave {modbus.SlaveId}, coil {modbus.Coil}, {door.FailMode}",
        DoorKind.Lcus when door.Lcus is { } lcus => $"LCUS USB relay on {lcus.Port}, channel {lcus.Channel}, {door.FailMode}",
        DoorKind.Mqtt when door.Mqtt is { } mqtt => $"MQTT lock ({mqtt.Flavor}) '{mqtt.Topic}'",
        _ => "log only (no hardware)",
    };

    private static string Advice(DoorOptions door, DoorCommandOutcome outcome) => outcome switch
    {
        DoorCommandOutcome.NoResponse => "error: the board did not answer: check the RS-485 wiring (A/B swapped?), the board's power, its slave id and baud rate",
        DoorCommandOutcome.Rejected => "error: the board refused the command: check the coil number and the board's mode",
        DoorCommandOutcome.TransportError => $"error: the serial line failed: check that {door.ModbusRtu?.Port ?? door.Lcus?.Port} exists, is not used by the running gateway (stop the service first) and is readable by this user",
        _ => $"error: {outcome.Describe()}",
    };
}
