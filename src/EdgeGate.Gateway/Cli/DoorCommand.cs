using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeGate.Core.Doors;
using EdgeGate.Configuration;
using EdgeGate.Access;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate door test &lt;name&gt;</c>: for installers. Pulses the door's relay through the same
/// driver the gateway uses and reports what the board answered; reads the door inputs where the
/// board has them. Stop the gateway service first: it holds the serial line. An MQTT lock is driven
/// over its own connection to the lock broker (its client id gets a <c>-test</c> suffix, so the
/// running gateway is not disconnected).
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
            // Its own client id, so a running gateway keeps its connection.
            await using var lockBroker = door.Kind == DoorKind.Mqtt
                ? LockBrokerConnection.Create(settings, GatewayDatabase.CredentialsDirectory(settings), TimeProvider.System, clientIdSuffix: "-test")
                : null;
            using var drivers = new DoorDrivers([door], lockBroker: lockBroker);
            var driver = drivers.For(door.Name);
            using var lockBrokerService = lockBroker is null
                ? null
                : new LockBrokerService(lockBroker, drivers, TimeProvider.System, NullLogger<LockBrokerService>.Instance);
            try
            {
                if (lockBroker is not null && lockBrokerService is not null)
                {
                    output.WriteLine($"connecting to the lock broker {lockBroker.Address} ...");
                    await lockBrokerService.StartAsync(cancellationToken);
                    if (!await WaitForConnectionAsync(lockBroker, LockBrokerWait, cancellationToken))
                    {
                        error.WriteLine($"error: {lockBroker.Unreachable}: check LockBroker:Host and Port, that the broker runs, " +
                            $"LockBroker:Username and the {LockBrokerOptions.PasswordFileName} credential");
                        return ExitCodes.Refused;
                    }
                    // This test connects the client itself, maybe before the service subscribed the lock's
                    // state topic: without the subscription the lock's answer would be missed.
                    if (!await WaitForSubscriptionAsync(lockBrokerService, LockBrokerWait, cancellationToken))
                    {
                        error.WriteLine($"error: lock broker {lockBroker.Address}: the subscription to the lock's state topic was not made: " +
                            $"{lockBroker.Unreachable ?? "check the broker's access rules for this user"}");
                        return ExitCodes.Refused;
                    }
                }
                return await PulseAsync(door, driver, length, output, error, cancellationToken);
            }
            finally
            {
                if (lockBrokerService is not null)
                {
                    await lockBrokerService.StopAsync(CancellationToken.None);
                }
            }
        });
        return command;
    }

    /// <summary>Pulses the door and reports what it answered; returns the exit code.</summary>
    private static async Task<int> PulseAsync(
        DoorOptions door, IDoorDriver driver, TimeSpan length, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
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
    }

    /// <summary>How long the test waits for the lock broker to accept the connection.</summary>
    private static readonly TimeSpan LockBrokerWait = TimeSpan.FromSeconds(10);

    private static async Task<bool> WaitForConnectionAsync(LockBrokerConnection lockBroker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await lockBroker.Client.ConnectAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Devices.Mqtt.MqttException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitForSubscriptionAsync(LockBrokerService service, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await service.Subscribed.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is TimeoutException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private static string Describe(DoorOptions door) => door.Kind switch
    {
        DoorKind.ModbusRtu when door.ModbusRtu is { } modbus =>
            $"Modbus RTU relay on {modbus.Port} at {modbus.BaudRate} baud, slave {modbus.SlaveId}, coil {modbus.Coil}, {door.FailMode}",
        DoorKind.Lcus when door.Lcus is { } lcus => $"LCUS USB relay on {lcus.Port}, channel {lcus.Channel}, {door.FailMode}",
        DoorKind.Mqtt when door.Mqtt is { } mqtt => $"MQTT lock ({mqtt.Flavor}) '{mqtt.Topic}' on the lock broker",
        _ => "log only (no hardware)",
    };

    private static string Advice(DoorOptions door, DoorCommandOutcome outcome) => outcome switch
    {
        DoorCommandOutcome.NoResponse when door.Kind == DoorKind.Mqtt =>
            "error: the lock did not report its new state: check the lock's Topic (and StateTopic for Home Assistant), that the lock is paired and online, and ConfirmTimeout",
        DoorCommandOutcome.Rejected when door.Kind == DoorKind.Mqtt => "error: the lock refused: it reports JAMMED (bolt blocked); check the door and the lock",
        DoorCommandOutcome.TransportError when door.Kind == DoorKind.Mqtt => $"error: the lock broker failed: {outcome.Describe()}",
        DoorCommandOutcome.NoResponse => "error: the board did not answer: check the RS-485 wiring (A/B swapped?), the board's power, its slave id and baud rate",
        DoorCommandOutcome.Rejected => "error: the board refused the command: check the coil number and the board's mode",
        DoorCommandOutcome.TransportError => $"error: the serial line failed: check that {door.ModbusRtu?.Port ?? door.Lcus?.Port} exists, is not used by the running gateway (stop the service first) and is readable by this user",
        _ => $"error: {outcome.Describe()}",
    };
}
