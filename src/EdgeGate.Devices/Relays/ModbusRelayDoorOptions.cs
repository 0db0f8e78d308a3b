namespace EdgeGate.Devices.Relays;

/// <summary>Where a door sits on a Modbus RTU relay board and how it is wired.</summary>
public sealed record ModbusRelayDoorOptions
{
    /// <summary>The board's slave address (1 … 247).</summary>
    public byte SlaveId { get; init; } = 1;

    /// <summary>The relay's coil address (0-based: relay 1 is coil 0).</summary>
    public ushort RelayCoil { get; init; }

    public RelayWiring Wiring { get; init; } = new();

    /// <summary>How often the relock (end of pulse, or after a failed release) is tried before giving up.</summary>
    public int RelockAttempts { get; init; } = 5;

    /// <summary>Pause between relock attempts.</summary>
    public TimeSpan RelockRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>When set, pulses are timed by the board (one register write) instead of ON, wait, OFF.</summary>
    public ModbusDevicePulseOptions? DevicePulse { get; init; }

    /// <summary>Discrete input wired to the door contact, if any.</summary>
    public ushort? DoorSensorInput { get; init; }

    /// <summary>True when the door contact input is ON with the door closed (the usual NC reed contact closed).</summary>
    public bool DoorSensorOnMeansClosed { get; init; } = true;

    /// <summary>Discrete input wired to the exit button, if any (ON = pressed).</summary>
    public ushort? ExitButtonInput { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfZero(SlaveId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SlaveId, (byte)247);
        ArgumentNullException.ThrowIfNull(Wiring);
        ArgumentOutOfRangeException.ThrowIfLessThan(RelockAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RelockRetryDelay, TimeSpan.Zero);
        DevicePulse?.Validate();
    }
}

/// <summary>
/// Board-timed pulses through one register write (function 0x06): the value is
/// <see cref="CommandBase"/> plus the duration in <see cref="Unit"/>s. Many 0x06-capable relay
/// boards use register = channel number and value 0x0600 + seconds ("delay" command); set these
/// from the board's manual. A gateway crash mid-pulse then cannot leave the door released.
/// </summary>
public sealed record ModbusDevicePulseOptions
{
    public ushort Register { get; init; }

    /// <summary>Added to the unit count (e.g. 0x0600).</summary>
    public ushort CommandBase { get; init; }

    /// <summary>The board's time unit (e.g. one second).</summary>
    public TimeSpan Unit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest unit count the board takes in one command (e.g. 255).</summary>
    public int MaximumUnits { get; init; } = 255;

    /// <summary>The register value for a pulse of <paramref name="duration"/> (rounded up to whole units, at least one).</summary>
    public ushort ValueFor(TimeSpan duration)
    {
        var units = (int)Math.Ceiling(duration / Unit);
        units = Math.Clamp(units, 1, MaximumUnits);
        return (ushort)(CommandBase + units);
    }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Unit, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumUnits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CommandBase + MaximumUnits, ushort.MaxValue);
    }
}
