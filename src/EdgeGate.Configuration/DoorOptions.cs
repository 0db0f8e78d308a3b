using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Configuration;

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
    /// <summary>Entry and exit through the same door: a passage's direction is the side it was seen from, when known.</summary>
    Both,
    /// <summary>Every passage is an entry.</summary>
    Entry,
    /// <summary>Every passage is an exit.</summary>
    Exit,
}

/// <summary>
/// What the lock does without power. Fail-safe (maglock, wired NC) opens on power loss and is
/// released by the fire alarm; fail-secure (strike, wired NO) stays locked.
/// </summary>
public enum DoorFailMode
{
    /// <summary>Locked without power (electric strike, motor lock) on the relay's NO contact: the relay is energised to release.</summary>
    FailSecure,
    /// <summary>Released without power (maglock: opens in a power cut and on fire-alarm release) on the relay's NC contact: the relay is energised to release.</summary>
    FailSafe,
}

/// <summary>One entry of <c>Doors</c>; <see cref="Kind"/> says which sub-section applies.</summary>
public sealed class DoorOptions
{
    /// <summary>The door's name, referred to by cameras, readers, events and <c>edgegate door test</c>; unique among the doors.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Name may hold letters, digits, '-' and '_' (1-64)")]
    public string Name { get; set; } = "";

    /// <summary>The driver that releases the lock; the sub-section of the same name holds its settings.</summary>
    public DoorKind Kind { get; set; } = DoorKind.Log;

    /// <summary>Whether a passage through this door is an entry or an exit (for anti-passback and the events).</summary>
    public DoorDirection Direction { get; set; } = DoorDirection.Both;

    /// <summary>What the lock does without power; sets how the relay is driven.</summary>
    public DoorFailMode FailMode { get; set; } = DoorFailMode.FailSecure;

    /// <summary>How long the lock stays released for one passage.</summary>
    /// <value>more than 0, at most 1 minute</value>
    public TimeSpan PulseLength { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With a door contact: how long the door may stand open after it was opened (or after its
    /// release ended, if later) before a held-open alarm.
    /// </summary>
    /// <value>more than 0, at most 1 hour</value>
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

    /// <summary>Kind ModbusRtu: the relay board and its inputs.</summary>
    public ModbusRtuDoorOptions? ModbusRtu { get; set; }

    /// <summary>Kind Lcus: the USB relay.</summary>
    public LcusDoorOptions? Lcus { get; set; }

    /// <summary>Kind Mqtt: the lock on the lock broker.</summary>
    public MqttLockOptions? Mqtt { get; set; }
}

public sealed class ModbusRtuDoorOptions
{
    /// <summary>Serial device, e.g. /dev/ttyUSB0 or a stable udev link /dev/edgegate-relay.</summary>
    [Required]
    public string Port { get; set; } = "";

    /// <summary>The board's serial speed (8 data bits, no parity, 1 stop bit).</summary>
    /// <value>a standard rate, 1200 to 4000000</value>
    public int BaudRate { get; set; } = 9600;

    /// <summary>The board's Modbus address.</summary>
    [Range(1, 247)]
    public int SlaveId { get; set; } = 1;

    /// <summary>Zero-based coil (relay) index.</summary>
    [Range(0, 65535)]
    public int Coil { get; set; }

    /// <summary>How long to wait for the board's answer to one request.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Requests repeated after no answer or a corrupt one, before the command fails.</summary>
    [Range(0, 5)]
    public int Retries { get; set; } = 2;

    /// <summary>Zero-based discrete input wired to the door contact, if any.</summary>
    [Range(0, 65535)]
    public int? DoorSensorInput { get; set; }

    /// <summary>Zero-based discrete input wired to the exit button, if any.</summary>
    /// <value>differs from DoorSensorInput and lies within 2000 inputs of it (one request reads both)</value>
    [Range(0, 65535)]
    public int? ExitButtonInput { get; set; }

    /// <summary>True when the door contact input is ON with the door closed (the usual NC reed contact).</summary>
    public bool DoorSensorOnMeansClosed { get; set; } = true;

    /// <summary>How often the door contact and exit button inputs are read.</summary>
    /// <value>20 ms to 5 s</value>
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
    /// <summary>The holding register the pulse command is written to.</summary>
    [Range(0, 65535)]
    public int Register { get; set; }

    /// <summary>Added to the unit count to make the written value (e.g. 1536 = 0x0600).</summary>
    /// <value>CommandBase + MaximumUnits at most 65535</value>
    [Range(0, 65535)]
    public int CommandBase { get; set; }

    /// <summary>The board's time unit.</summary>
    /// <value>more than 0</value>
    public TimeSpan Unit { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest unit count the board takes in one command.</summary>
    [Range(1, 65535)]
    public int MaximumUnits { get; set; } = 255;
}

public sealed class LcusDoorOptions
{
    /// <summary>Serial device of the relay module, e.g. /dev/ttyUSB0 (9600 baud, fixed by the module).</summary>
    [Required]
    public string Port { get; set; } = "";

    /// <summary>The relay on the module (1 on a single-relay module).</summary>
    [Range(1, 8)]
    public int Channel { get; set; } = 1;
}

public enum MqttLockFlavor
{
    /// <summary>Home Assistant's MQTT lock: <c>LOCK</c>, <c>UNLOCK</c>, <c>OPEN</c> on the command topic; <c>LOCKED</c>, <c>UNLOCKED</c>, <c>JAMMED</c> … on the state topic.</summary>
    HomeAssistant,
    /// <summary>A Zigbee lock through Zigbee2MQTT: <c>{"state":"UNLOCK"}</c> to <c>&lt;base&gt;/&lt;name&gt;/set</c>, <c>lock_state</c> on <c>&lt;base&gt;/&lt;name&gt;</c>.</summary>
    Zigbee2Mqtt,
    /// <summary>A strike on a Tasmota relay: <c>PulseTime</c> and <c>POWER</c> on <c>cmnd/&lt;topic&gt;/</c>, state on <c>stat/&lt;topic&gt;/</c>; the device ends the pulse itself.</summary>
    Tasmota,
}

/// <summary>A smart lock on the lock broker (section <c>LockBroker</c>).</summary>
public sealed class MqttLockOptions
{
    /// <summary>The lock's firmware: how commands and states are written.</summary>
    public MqttLockFlavor Flavor { get; set; } = MqttLockFlavor.HomeAssistant;

    /// <summary>Command topic (HA), device name (Z2M) or device topic (Tasmota).</summary>
    /// <value>no MQTT wildcards (+, #)</value>
    [Required]
    public string Topic { get; set; } = "";

    /// <summary>
    /// Home Assistant: the state topic to follow; without it commands are sent unconfirmed. Zigbee2MQTT
    /// and Tasmota state topics follow from <see cref="Topic"/>.
    /// </summary>
    /// <value>no MQTT wildcards; Flavor HomeAssistant only</value>
    public string? StateTopic { get; set; }

    /// <summary>How long a lock command waits for the lock to report its new state.</summary>
    /// <value>more than 0, at most 1 minute</value>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Tasmota: the relay (<c>POWER&lt;n&gt;</c>, <c>PulseTime&lt;n&gt;</c>) wired to the strike.</summary>
    [Range(1, 8)]
    public int Relay { get; set; } = 1;

    /// <summary>Home Assistant: pulse with <c>OPEN</c> (unlatch) instead of <c>UNLOCK</c>.</summary>
    public bool PulseWithOpen { get; set; }

    /// <summary>Zigbee2MQTT: the base topic (Z2M's <c>mqtt.base_topic</c>).</summary>
    /// <value>no MQTT wildcards; not empty for Flavor Zigbee2Mqtt</value>
    public string BaseTopic { get; set; } = "zigbee2mqtt";
}

/// <summary>Weekly opening hours, "HH:mm-HH:mm" ranges per day (a range may cross midnight).</summary>
public sealed class ScheduleOptions
{
    /// <summary>Opening hours on Mondays; none = closed all day.</summary>
    /// <value>ranges like "07:00-19:30" ("22:00-06:00" crosses midnight, "24:00" is midnight)</value>
    public string[] Monday { get; set; } = [];

    /// <summary>Opening hours on Tuesdays.</summary>
    /// <value>as Monday</value>
    public string[] Tuesday { get; set; } = [];

    /// <summary>Opening hours on Wednesdays.</summary>
    /// <value>as Monday</value>
    public string[] Wednesday { get; set; } = [];

    /// <summary>Opening hours on Thursdays.</summary>
    /// <value>as Monday</value>
    public string[] Thursday { get; set; } = [];

    /// <summary>Opening hours on Fridays.</summary>
    /// <value>as Monday</value>
    public string[] Friday { get; set; } = [];

    /// <summary>Opening hours on Saturdays.</summary>
    /// <value>as Monday</value>
    public string[] Saturday { get; set; } = [];

    /// <summary>Opening hours on Sundays.</summary>
    /// <value>as Monday</value>
    public string[] Sunday { get; set; } = [];

    /// <summary>Dates ("yyyy-MM-dd") on which the door follows <see cref="HolidayHours"/>.</summary>
    /// <value>dates like "2026-12-25"</value>
    public string[] Holidays { get; set; } = [];

    /// <summary>Opening hours on the <see cref="Holidays"/>, instead of the weekday's; none = closed.</summary>
    /// <value>as Monday</value>
    public string[] HolidayHours { get; set; } = [];

    /// <summary>Categories the schedule applies to; residents are usually unrestricted.</summary>
    /// <value>Resident, Staff, Visitor</value>
    public string[] AppliesTo { get; set; } = ["Staff", "Visitor"];
}
