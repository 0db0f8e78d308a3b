using EdgeGate.Core.Doors;
using EdgeGate.Devices.Modbus;
using EdgeGate.Devices.Mqtt.Locks;
using EdgeGate.Devices.Relays;
using EdgeGate.Devices.Serial;
using EdgeGate.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGate.Access;

/// <summary>
/// The door drivers of the configured doors, built from <see cref="DoorOptions"/> by its
/// <see cref="DoorKind"/>. Doors on the same serial device share one line (an RS-485 bus carries
/// several relay boards; an LCUS module has several channels). A line is opened on first use and
/// reopened after a transport error, so a relay board that is unplugged and plugged back in works
/// again without a restart; a line that cannot be opened gives a <see cref="DoorCommandOutcome.TransportError"/>
/// naming the device, never an exception. MQTT locks share the one <see cref="LockBrokerConnection"/>
/// (kept connected and fed by <see cref="LockBrokerService"/>); while that broker is unreachable their
/// commands end <see cref="DoorCommandOutcome.TransportError"/> naming the broker.
/// </summary>
public sealed partial class DoorDrivers : IDisposable
{
    private readonly Dictionary<string, IDoorDriver> drivers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SerialBus> buses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MqttLockDoor> mqttLocks = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IDoorDriver> owned = [];

    /// <param name="lockBroker">The lock broker connection; required when a door has Kind Mqtt.</param>
    public DoorDrivers(IEnumerable<DoorOptions> doors, TimeProvider? timeProvider = null, ILogger<DoorDrivers>? logger = null, LockBrokerConnection? lockBroker = null)
        : this(doors, timeProvider, logger, lockBroker, decorate: null)
    {
    }

    /// <param name="decorate">Wraps each driver (tests observe the moment a door is driven).</param>
    internal DoorDrivers(
        IEnumerable<DoorOptions> doors,
        TimeProvider? timeProvider,
        ILogger<DoorDrivers>? logger,
        LockBrokerConnection? lockBroker,
        Func<string, IDoorDriver, IDoorDriver>? decorate)
    {
        ArgumentNullException.ThrowIfNull(doors);
        timeProvider ??= TimeProvider.System;
        logger ??= NullLogger<DoorDrivers>.Instance;
        foreach (var door in doors)
        {
            var driver = Create(door, timeProvider, logger, lockBroker);
            owned.Add(driver);
            drivers.Add(door.Name, decorate is null ? driver : decorate(door.Name, driver));
        }
    }

    /// <summary>The driver of a configured door.</summary>
    /// <exception cref="KeyNotFoundException">No door of that name is configured.</exception>
    public IDoorDriver For(string doorName) =>
        drivers.TryGetValue(doorName, out var driver)
            ? driver
            : throw new KeyNotFoundException($"no door named '{doorName}' is configured");

    /// <summary>The MQTT lock drivers by door name: <see cref="LockBrokerService"/> subscribes their state topics and feeds them.</summary>
    public IReadOnlyDictionary<string, MqttLockDoor> MqttLocks => mqttLocks;

    public void Dispose()
    {
        foreach (var driver in owned)
        {
            (driver as IDisposable)?.Dispose();
        }
        owned.Clear();
        foreach (var bus in buses.Values)
        {
            bus.Dispose();
        }
        drivers.Clear();
        buses.Clear();
        mqttLocks.Clear();
    }

    private IDoorDriver Create(DoorOptions door, TimeProvider timeProvider, ILogger logger, LockBrokerConnection? lockBroker)
    {
        switch (door.Kind)
        {
            case DoorKind.Log:
                var name = door.Name;
                return new LogDoor(timeProvider, activity => LogActivity(logger, name, activity.Released ? "released" : "locked", activity.Command));
            case DoorKind.ModbusRtu:
                var modbus = door.ModbusRtu ?? throw new ArgumentException($"door '{door.Name}': Kind ModbusRtu needs a ModbusRtu section");
                var modbusBus = BusFor(modbus.Port, modbus.BaudRate);
                var clientOptions = new ModbusRtuClientOptions
                {
                    BaudRate = modbus.BaudRate,
                    ResponseTimeout = modbus.ResponseTimeout,
                    RetriesAfterNoResponse = modbus.Retries,
                };
                var relayOptions = new ModbusRelayDoorOptions
                {
                    SlaveId = checked((byte)modbus.SlaveId),
                    RelayCoil = checked((ushort)modbus.Coil),
                    Wiring = WiringFor(door.FailMode),
                    DoorSensorInput = modbus.DoorSensorInput is { } sensor ? checked((ushort)sensor) : null,
                    DoorSensorOnMeansClosed = modbus.DoorSensorOnMeansClosed,
                    ExitButtonInput = modbus.ExitButtonInput is { } button ? checked((ushort)button) : null,
                    DevicePulse = modbus.DevicePulse is { } devicePulse
                        ? new ModbusDevicePulseOptions
                        {
                            Register = checked((ushort)devicePulse.Register),
                            CommandBase = checked((ushort)devicePulse.CommandBase),
                            Unit = devicePulse.Unit,
                            MaximumUnits = devicePulse.MaximumUnits,
                        }
                        : null,
                };
                var capabilities = DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold | DoorDriverCapabilities.ConfirmsCommands
                    | (relayOptions.DevicePulse is null ? 0 : DoorDriverCapabilities.DeviceTimedPulse)
                    | (relayOptions.DoorSensorInput is null ? 0 : DoorDriverCapabilities.DoorSensor)
                    | (relayOptions.ExitButtonInput is null ? 0 : DoorDriverCapabilities.ExitButton);
                return new SerialDoorDriver(modbusBus, capabilities, stream =>
                    new ModbusRelayDoor(modbusBus.ModbusClient(clientOptions, timeProvider), relayOptions, timeProvider));
            case DoorKind.Lcus:
                var lcus = door.Lcus ?? throw new ArgumentException($"door '{door.Name}': Kind Lcus needs an Lcus section");
                var lcusBus = BusFor(lcus.Port, 9600);
                var lcusOptions = new LcusRelayDoorOptions { Channel = checked((byte)lcus.Channel), Wiring = WiringFor(door.FailMode) };
                return new SerialDoorDriver(lcusBus, DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold, stream =>
                    new LcusRelayDoor(stream, lcusOptions, timeProvider));
            case DoorKind.Mqtt:
                var mqtt = door.Mqtt ?? throw new ArgumentException($"door '{door.Name}': Kind Mqtt needs an Mqtt section");
                if (lockBroker is null)
                {
                    throw new ArgumentException($"door '{door.Name}': Kind Mqtt needs the lock broker connection (section LockBroker)");
                }
                var mqttLock = MqttLockDoors.Create(
                    FlavourOf(mqtt.Flavor),
                    lockBroker.Client,
                    mqtt.Topic,
                    mqtt.StateTopic,
                    new MqttLockDriverOptions { ConfirmTimeout = mqtt.ConfirmTimeout },
                    timeProvider,
                    mqtt.Relay,
                    mqtt.PulseWithOpen,
                    mqtt.BaseTopic);
                mqttLocks.Add(door.Name, mqttLock);
                return new LockBrokerDoorDriver(mqttLock, lockBroker);
            default:
                throw new ArgumentOutOfRangeException(nameof(door), door.Kind, "unknown door kind");
        }
    }

    private SerialBus BusFor(string path, int baudRate)
    {
        if (!buses.TryGetValue(path, out var bus))
        {
            bus = new SerialBus(path, baudRate);
            buses.Add(path, bus);
        }
        else if (bus.BaudRate != baudRate)
        {
            throw new ArgumentException($"{path} is configured for two doors with different baud rates ({bus.BaudRate} and {baudRate})");
        }
        return bus;
    }

    private static MqttLockFlavour FlavourOf(MqttLockFlavor flavor) => flavor switch
    {
        MqttLockFlavor.HomeAssistant => MqttLockFlavour.HomeAssistant,
        MqttLockFlavor.Zigbee2Mqtt => MqttLockFlavour.Zigbee2Mqtt,
        MqttLockFlavor.Tasmota => MqttLockFlavour.Tasmota,
        _ => throw new ArgumentOutOfRangeException(nameof(flavor), flavor, "unknown MQTT lock flavour"),
    };

    /// <summary>The usual wiring per lock type: a fail-secure strike on NO, a fail-safe maglock on NC (both release with the relay energised).</summary>
    public static RelayWiring WiringFor(DoorFailMode failMode) => failMode == DoorFailMode.FailSafe
        ? new RelayWiring(LockPowering.FailSafe, RelayContact.NormallyClosed)
        : new RelayWiring(LockPowering.FailSecure, RelayContact.NormallyOpen);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Door {Door} {State} ({Command}); log door, no hardware")]
    private static partial void LogActivity(ILogger logger, string door, string state, string command);

    /// <summary>One serial line shared by the doors on it, opened on demand and reopened after a failure.</summary>
    private sealed class SerialBus(string path, int baudRate) : IDisposable
    {
        private readonly Lock gate = new();
        private SerialPortStream? stream;
        private ModbusRtuClient? client;
        private int generation;

        public string Path => path;

        public int BaudRate => baudRate;

        /// <summary>The open line and its generation (bumped on every reopen).</summary>
        /// <exception cref="IOException">The device cannot be opened (a <see cref="Devices.Interop.Termios.SerialPortException"/>).</exception>
        public (SerialPortStream Stream, int Generation) Open()
        {
            lock (gate)
            {
                if (stream is null)
                {
                    stream = SerialPortStream.Open(path, baudRate);
                    generation++;
                }
                return (stream, generation);
            }
        }

        public ModbusRtuClient ModbusClient(ModbusRtuClientOptions options, TimeProvider timeProvider)
        {
            lock (gate)
            {
                var (line, _) = Open();
                return client ??= new ModbusRtuClient(line, options, timeProvider);
            }
        }

        /// <summary>Closes the line if it is still the generation that failed.</summary>
        public void Invalidate(int failedGeneration)
        {
            lock (gate)
            {
                if (failedGeneration == generation)
                {
                    Close();
                }
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                Close();
            }
        }

        private void Close()
        {
            client?.Dispose();
            client = null;
            stream?.Dispose();
            stream = null;
        }
    }

    /// <summary>A relay driver over a <see cref="SerialBus"/>: built per line generation, rebuilt after a transport error.</summary>
    private sealed class SerialDoorDriver(SerialBus bus, DoorDriverCapabilities capabilities, Func<Stream, IDoorDriver> build)
        : IDoorDriver, IDisposable
    {
        private readonly Lock gate = new();
        private IDoorDriver? driver;
        private int driverGeneration;

        public DoorDriverCapabilities Capabilities => capabilities;

        public Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken) =>
            RunAsync(driver => driver.PulseAsync(duration, cancellationToken));

        public Task<DoorCommandOutcome> PulseAsync(ReleaseWindow window, CancellationToken cancellationToken) =>
            RunAsync(driver => driver.PulseAsync(window, cancellationToken));

        public Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken) =>
            RunAsync(driver => driver.SetAsync(released, cancellationToken));

        /// <summary>Opens the line (a device that cannot be opened is the outcome) and asks the device.</summary>
        public Task<DoorCommandOutcome> CheckAsync(CancellationToken cancellationToken) =>
            RunAsync(driver => driver.CheckAsync(cancellationToken));

        public async Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken)
        {
            if (!TryGetDriver(out var current, out var generation, out var failure))
            {
                return DoorInputsReading.Failed(failure);
            }
            var reading = await current.ReadInputsAsync(cancellationToken).ConfigureAwait(false);
            if (reading.Outcome is DoorCommandOutcome.TransportError)
            {
                bus.Invalidate(generation);
            }
            return reading;
        }

        public void Dispose()
        {
            lock (gate)
            {
                (driver as IDisposable)?.Dispose();
                driver = null;
            }
        }

        private async Task<DoorCommandOutcome> RunAsync(Func<IDoorDriver, Task<DoorCommandOutcome>> command)
        {
            if (!TryGetDriver(out var current, out var generation, out var failure))
            {
                return failure;
            }
            var outcome = await command(current).ConfigureAwait(false);
            if (outcome is DoorCommandOutcome.TransportError)
            {
                bus.Invalidate(generation);
            }
            return outcome;
        }

        private bool TryGetDriver(out IDoorDriver current, out int generation, out DoorCommandOutcome failure)
        {
            failure = null!;
            try
            {
                lock (gate)
                {
                    var (stream, lineGeneration) = bus.Open();
                    if (driver is null || driverGeneration != lineGeneration)
                    {
                        (driver as IDisposable)?.Dispose();
                        driver = build(stream);
                        driverGeneration = lineGeneration;
                    }
                    current = driver;
                    generation = lineGeneration;
                    return true;
                }
            }
            catch (IOException exception)
            {
                current = null!;
                generation = 0;
                failure = new DoorCommandOutcome.TransportError($"cannot open {bus.Path}: {exception.Message}");
                return false;
            }
        }
    }

    /// <summary>
    /// An MQTT lock on the lock broker: while the broker is not connected a command ends at once with a
    /// transport error naming the broker (nothing can reach the lock), and a transport error on the way
    /// names the broker too.
    /// </summary>
    private sealed class LockBrokerDoorDriver(MqttLockDoor door, LockBrokerConnection broker) : IDoorDriver
    {
        public DoorDriverCapabilities Capabilities => door.Capabilities;

        public Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken) =>
            RunAsync(() => door.PulseAsync(duration, cancellationToken));

        public Task<DoorCommandOutcome> PulseAsync(ReleaseWindow window, CancellationToken cancellationToken) =>
            RunAsync(() => ((IDoorDriver)door).PulseAsync(window, cancellationToken));

        public Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken) =>
            RunAsync(() => door.SetAsync(released, cancellationToken));

        public Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken) => door.ReadInputsAsync(cancellationToken);

        public Task<DoorCommandOutcome> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult<DoorCommandOutcome>(broker.Unreachable is { } reason
                ? new DoorCommandOutcome.TransportError(reason)
                : new DoorCommandOutcome.Done($"lock broker {broker.Address} connected"));

        private async Task<DoorCommandOutcome> RunAsync(Func<Task<DoorCommandOutcome>> command)
        {
            if (broker.Unreachable is { } reason)
            {
                return new DoorCommandOutcome.TransportError(reason);
            }
            var outcome = await command().ConfigureAwait(false);
            return outcome is DoorCommandOutcome.TransportError failed
                ? new DoorCommandOutcome.TransportError($"lock broker {broker.Address}: {failed.Message}")
                : outcome;
        }
    }
}
