namespace EdgeGate.Core.Doors;

/// <summary>
/// A door lock as the decision stage drives it, whatever the transport (Modbus RTU relay board,
/// LCUS USB relay, MQTT lock, a log for demos). "Released" always means unlocked, whatever the
/// wiring: drivers map it to their relay state or lock command from their own options.
/// </summary>
/// <remarks>
/// Expected failures (the device did not answer, refused, the line broke) come back as
/// <see cref="DoorCommandOutcome"/> values; only misuse (disposed driver, bad arguments) and
/// cancellation throw. A driver takes its transport from the caller and owns no loop; it
/// serialises its own commands, so callers may issue them from several tasks.
/// </remarks>
public interface IDoorDriver
{
    /// <summary>What this driver and its device can do.</summary>
    DoorDriverCapabilities Capabilities { get; }

    /// <summary>
    /// Releases the door for <paramref name="duration"/>, then locks it again. Drivers make every
    /// effort to relock even when the release step failed or the call is cancelled mid-pulse
    /// (cancellation then throws after the relock attempt).
    /// </summary>
    Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the door until <paramref name="window"/> ends, then locks it again. Grants that come
    /// while the door is released extend the window: a driver that times the release itself follows
    /// the extensions (<see cref="ReleaseWindow.WaitAsync"/>). By default the window is closed at once
    /// and the door released for the time it had left, as <see cref="PulseAsync(TimeSpan, CancellationToken)"/>
    /// (device-timed pulses: the device's own timer; each later grant sends another device pulse).
    /// </summary>
    Task<DoorCommandOutcome> PulseAsync(ReleaseWindow window, CancellationToken cancellationToken) =>
        PulseAsync((window ?? throw new ArgumentNullException(nameof(window))).Close(), cancellationToken);

    /// <summary>Holds the door released (<paramref name="released"/> = true, e.g. fire alarm, office hours) or locked.</summary>
    Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the door's inputs (door contact, exit button) where the device has them; otherwise the
    /// reading's outcome is <see cref="DoorCommandOutcome.NotSupported"/> and it holds no inputs.
    /// </summary>
    Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens the way to the device and asks it for its state once, without moving the lock (the
    /// gateway's warm-up, so that the first release does not pay for it). Devices that cannot be
    /// asked answer <see cref="DoorCommandOutcome.Done"/> saying so.
    /// </summary>
    Task<DoorCommandOutcome> CheckAsync(CancellationToken cancellationToken) =>
        Task.FromResult<DoorCommandOutcome>(new DoorCommandOutcome.Done("nothing to ask this device"));
}

/// <summary>What a door driver can do.</summary>
[Flags]
public enum DoorDriverCapabilities
{
    None = 0,
    /// <summary>Timed release (<see cref="IDoorDriver.PulseAsync(TimeSpan, CancellationToken)"/>).</summary>
    Pulse = 1,
    /// <summary>Hold released or locked (<see cref="IDoorDriver.SetAsync"/>).</summary>
    Hold = 2,
    /// <summary>The device times the pulse itself: a gateway crash mid-pulse cannot leave the door open.</summary>
    DeviceTimedPulse = 4,
    /// <summary>The device answers commands, so <see cref="DoorCommandOutcome.Done"/> means it confirmed.</summary>
    ConfirmsCommands = 8,
    /// <summary>A door contact is readable.</summary>
    DoorSensor = 16,
    /// <summary>An exit (request-to-exit) button is readable.</summary>
    ExitButton = 32,
}

/// <summary>The door inputs at one moment; null where the input is not wired or not configured.</summary>
/// <param name="DoorClosed">True when the door contact reports the door closed.</param>
/// <param name="ExitButtonPressed">True while the exit button is pressed.</param>
public sealed record DoorInputs(bool? DoorClosed, bool? ExitButtonPressed);

/// <summary>A reading of the inputs: <see cref="Inputs"/> is set exactly when <see cref="Outcome"/> is <see cref="DoorCommandOutcome.Done"/>.</summary>
public sealed record DoorInputsReading(DoorCommandOutcome Outcome, DoorInputs? Inputs)
{
    public static DoorInputsReading Read(DoorInputs inputs, string deviceAnswer) => new(new DoorCommandOutcome.Done(deviceAnswer), inputs);

    public static DoorInputsReading Failed(DoorCommandOutcome outcome) => new(outcome, null);
}
