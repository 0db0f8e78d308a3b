using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Gateway.Configuration;

public enum DoorKind
{
    /// <summary>Writes pulses to the log only: demos and dry runs.</summary>
    Log,
    /// <summary>RS-485 Modbus RTU relay board.</summary>
    ModbusRtu,
    /// <summary>LCUS-style USB serial relay.</summary>
    Lcus,
    /// <summary>Smart lock reached over MQTT (Home Assistant, Zigbee2MQTT, Tasmota).</summary>
    Mqtt,
}

public enum DoorDirection
{
    Both,
    Entry,
    Exit,
}

/// <summary>
/// What the lock does without power. Fail-safe (maglock, wired NC) opens on power loss and is
/// released by the fire alarm; fail-secure (strike, wired NO) stays locked.
/// </summary>
public enum DoorFailMode
{
    FailSecure,
    FailSafe,
}

/// <summary>One entry of <c>Doors</c>; <see cref="Kind"/> says which sub-section applies.</summary>
public sealed class DoorOptions
{
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Name may hold letters, digits, '-' and '_' (1-64)")]
    public string Name { get; set; } = "";

    public DoorKind Kind { get; set; } = DoorKind.Log;

    public DoorDirection Direction { get; set; } = DoorDirection.Both;

    public DoorFailMode FailMode { get; set; } = DoorFailMode.FailSecure;

    /// <summary>How long the lock stays released for one passage.</summary>
    public TimeSpan PulseLength { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With a door contact: how long the door may stand open after it was opened (or after its
    /// release ended, if later) before a held-open alarm.
    /// </summary>
    public TimeSpan HeldOpenAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// False takes the door out of service (broken lock, works in progress): every attempt, remote
    /// unlock included, is denied with DENIED_DOOR_DISABLED and journaled; the exit button still
    /// releases it (egress always works). A config_reload applies it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Entry and exit doors sharing a group enforce anti-passback between them.</summary>
    public string? PassbackGroup { get; set; }

    /// <summary>Weekly schedule for non-residents; null = always open to valid persons.</summary>
    public ScheduleOptions? Schedule { get; set; }

    public ModbusRtuDoorOptions? ModbusRtu { get; set; }

    public LcusDoorOptions? Lcus { get; set; }

    public MqttLockOptions? Mqtt { get; set; }
}

public sealed class ModbusRtuDoorOptions
{
    /// <summary>Serial device, e.g. /dev/ttyUSB0 or a stable udev link /dev/edgegate-relay.</summary>
    [Required]
    public string Port { get; set; } = "";

    public int BaudRate { get; set; } = 9600;

    [Range(1, 247)]
    public int SlaveId { get; set; } = 1;

    /// <summary>Zero-based coil (relay) index.</summary>
    [Range(0, 65535)]
    public int Coil { get; set; }

    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    [Range(0, 5)]
    public int Retries { get; set; } = 2;

    /// <summary>Zero-based discrete input wired to the door contact, if any.</summary>
    [Range(0, 65535)]
    public int? DoorSensorInput { get; set; }

    /// <summary>Zero-based discrete input wired to the exit button, if any.</summary>
    [Range(0, 65535)]
    public int? ExitButtonInput { get; set; }

    /// <summary>True when the door contact input is ON with the door closed (the usual NC reed contact).</summary>
    public bool DoorSensorOnMeansClosed { get; set; } = true;

    /// <summary>How often the door contact and exit button inputs are read.</summary>
    public TimeSpan InputPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>When set, the board times each pulse itself (one register write) instead of ON, wait, OFF.</summary>
    public ModbusDevicePulseConfiguration? DevicePulse { get; set; }
}

/// <summary>
/// A board-timed pulse: function 0x06 writes <see cref="CommandBase"/> plus the pulse length in
/// <see cref="Unit"/>s (rounded up) to <see cref="Register"/>. Many relay boards take register =
/// channel number and value 0x0600 + seconds ("delay" command); take the numbers from the board's manual.
/// </summary>
public sealed class ModbusDevicePulseConfiguration
{
    [Range(0, 65535)]
    public int Register { get; set; }

    [Range(0, 65535)]
    public int CommandBase { get; set; }

    /// <summary>The board's time unit.</summary>
    public TimeSpan Unit { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest unit count the board takes in one command.</summary>
    [Range(1, 65535)]
    public int MaximumUnits { get; set; } = 255;
}

public sealed class LcusDoorOptions
{
    [Required]
    public string Port { get; set; } = "";

    [Range(1, 8)]
    public int Channel { get; set; } = 1;
}

public enum MqttLockFlavor
{
    HomeAssistant,
    Zigbee2Mqtt,
    Tasmota,
}

/// <summary>A smart lock on the lock broker (section <c>LockBroker</c>).</summary>
public sealed class MqttLockOptions
{
    public MqttLockFlavor Flavor { get; set; } = MqttLockFlavor.HomeAssistant;

    /// <summary>Command topic (HA), device name (Z2M) or device topic (Tasmota).</summary>
    [Required]
    public string Topic { get; set; } = "";

    /// <summary>
    /// Home Assistant: the state topic to follow; without it commands are sent unconfirmed. Zigbee2MQTT
    /// and Tasmota state topics follow from <see cref="Topic"/>.
    /// </summary>
    public string? StateTopic { get; set; }

    /// <summary>How long a lock command waits for the lock to report its new state.</summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Tasmota: the relay (POWER&lt;n&gt;, PulseTime&lt;n&gt;) wired to the strike.</summary>
    [Range(1, 8)]
    public int Relay { get; set; } = 1;

    /// <summary>Home Assistant: pulse with <c>OPEN</c> (unlatch) instead of <c>UNLOCK</c>.</summary>
    public bool PulseWithOpen { get; set; }

    /// <summary>Zigbee2MQTT: the base topic (Z2M's <c>mqtt.base_topic</c>).</summary>
    public string BaseTopic { get; set; } = "zigbee2mqtt";
}

/// <summary>Weekly opening hours, "HH:mm-HH:mm" ranges per day (a range may cross midnight).</summary>
public sealed class ScheduleOptions
{
    public string[] Monday { get; set; } = [];
    public string[] Tuesday { get; set; } = [];
    public string[] Wednesday { get; set; } = [];
    public string[] Thursday { get; set; } = [];
    public string[] Friday { get; set; } = [];
    public string[] Saturday { get; set; } = [];
    public string[] Sunday { get; set; } = [];

    /// <summary>Dates ("yyyy-MM-dd") on which the door follows <see cref="HolidayHours"/>.</summary>
    public string[] Holidays { get; set; } = [];

    public string[] HolidayHours { get; set; } = [];

    /// <summary>Categories the schedule applies to; residents are usually unrestricted.</summary>
    public string[] AppliesTo { get; set; } = ["Staff", "Visitor"];
}
