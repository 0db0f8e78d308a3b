using EdgeGate.Core.Doors;
using EdgeGate.Devices.Modbus;

namespace EdgeGate.Devices.Relays;

/// <summary>
/// A door on one relay of a Modbus RTU relay board (write single coil 0x05, echo checked).
/// A pulse is release, wait, relock — the relock retried hard (<see cref="ModbusRelayDoorOptions.RelockAttempts"/>)
/// and attempted even when the release got no answer (the board may have switched anyway) or the
/// call is cancelled — or one board-timed register write when <see cref="ModbusRelayDoorOptions.DevicePulse"/>
/// is set. "Released" means unlocked; <see cref="RelayWiring"/> maps it to the coil state for
/// fail-safe/fail-secure locks on NO/NC contacts. Door contact and exit button are optional
/// discrete inputs. Several doors may share one <see cref="ModbusRtuClient"/> (one RS-485 bus).
/// </summary>
public sealed class ModbusRelayDoor : IDoorDriver, IDisposable
{
    private readonly ModbusRtuClient client;
    private readonly ModbusRelayDoorOptions options;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim commandGate = new(1, 1);

    public ModbusRelayDoor(ModbusRtuClient client, ModbusRelayDoorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.client = client;
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        var capabilities = DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold | DoorDriverCapabilities.ConfirmsCommands;
        if (options.DevicePulse is not null)
        {
            capabilities |= DoorDriverCapabilities.DeviceTimedPulse;
        }
        if (options.DoorSensorInput is not null)
        {
            capabilities |= DoorDriverCapabilities.DoorSensor;
        }
        if (options.ExitButtonInput is not null)
        {
            capabilities |= DoorDriverCapabilities.ExitButton;
        }
        Capabilities = capabilities;
    }

    public DoorDriverCapabilities Capabilities { get; }

    private string Relay => $"relay coil {options.RelayCoil} at slave {options.SlaveId}";

    public Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        PulseAsync(new ReleaseWindow(duration, timeProvider), cancellationToken);

    /// <summary>
    /// A board-timed pulse covers the window as it is now (the window closes; a later grant sends
    /// another board-timed pulse, which restarts the board's timer). Otherwise: release, wait until the
    /// window ends (following extensions), relock.
    /// </summary>
    public async Task<DoorCommandOutcome> PulseAsync(ReleaseWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (options.DevicePulse is { } devicePulse)
            {
                var value = devicePulse.ValueFor(window.Close());
                var written = await client.WriteSingleRegisterAsync(options.SlaveId, devicePulse.Register, value, cancellationToken).ConfigureAwait(false);
                return ToOutcome(written, $"board-timed pulse: register {devicePulse.Register} = 0x{value:X4} confirmed at slave {options.SlaveId}");
            }

            var release = await client.WriteSingleCoilAsync(options.SlaveId, options.RelayCoil, options.Wiring.RelayStateFor(released: true), cancellationToken).ConfigureAwait(false);
            if (!release.IsSuccess)
            {
                // The board may have switched even if its answer was lost: relock to be sure.
                window.Close();
                var relockAfterFailure = await RelockAsync().ConfigureAwait(false);
                var failed = ToOutcome(release, "");
                var note = relockAfterFailure.IsDone ? "; relocked to be sure" : "; the relock failed too, the door state is unknown";
                return failed switch
                {
                    DoorCommandOutcome.NoResponse noResponse => noResponse with { Detail = noResponse.Detail + note },
                    DoorCommandOutcome.Rejected rejected => rejected with { Reason = rejected.Reason + note },
                    DoorCommandOutcome.TransportError error => new DoorCommandOutcome.TransportError(error.Message + note),
                    _ => failed,
                };
            }
            var releasedAt = timeProvider.GetTimestamp();
            try
            {
                await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await RelockAsync().ConfigureAwait(false);
                throw;
            }
            var relock = await RelockAsync().ConfigureAwait(false);
            var held = timeProvider.GetElapsedTime(releasedAt);
            return relock.IsDone
                ? new DoorCommandOutcome.Done($"{Relay} released and relocked after {held.TotalMilliseconds:0} ms, both echoes confirmed")
                : relock;
        }
        finally
        {
            commandGate.Release();
        }
    }

    public async Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken)
    {
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!released)
            {
                return await RelockAsync().ConfigureAwait(false);
            }
            var result = await client.WriteSingleCoilAsync(options.SlaveId, options.RelayCoil, options.Wiring.RelayStateFor(released: true), cancellationToken).ConfigureAwait(false);
            return ToOutcome(result, $"{Relay} held released, echo confirmed");
        }
        finally
        {
            commandGate.Release();
        }
    }

    public async Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken)
    {
        if (options.DoorSensorInput is null && options.ExitButtonInput is null)
        {
            return DoorInputsReading.Failed(new DoorCommandOutcome.NotSupported("no door contact or exit button input configured"));
        }
        var addresses = new[] { options.DoorSensorInput, options.ExitButtonInput }.Where(a => a is not null).Select(a => a!.Value).ToArray();
        var first = addresses.Min();
        var count = (ushort)(addresses.Max() - first + 1);
        var result = await client.ReadDiscreteInputsAsync(options.SlaveId, first, count, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess || result.Value is null)
        {
            return DoorInputsReading.Failed(ToOutcome(result, ""));
        }
        var bits = result.Value;
        bool? doorClosed = options.DoorSensorInput is { } sensor ? bits[sensor - first] == options.DoorSensorOnMeansClosed : null;
        bool? exitPressed = options.ExitButtonInput is { } button ? bits[button - first] : null;
        return DoorInputsReading.Read(new DoorInputs(doorClosed, exitPressed), $"discrete inputs {first}…{first + count - 1} at slave {options.SlaveId}");
    }

    /// <summary>Reads the relay coil once (the board answers; nothing moves).</summary>
    public async Task<DoorCommandOutcome> CheckAsync(CancellationToken cancellationToken)
    {
        var result = await client.ReadCoilsAsync(options.SlaveId, options.RelayCoil, 1, cancellationToken).ConfigureAwait(false);
        return ToOutcome(result, result.IsSuccess
            ? $"{Relay} answers: it is {(result.Value![0] ? "on" : "off")}"
            : "");
    }

    /// <summary>Relocks, trying up to <see cref="ModbusRelayDoorOptions.RelockAttempts"/> times; never cancelled (a door must not stay released).</summary>
    private async Task<DoorCommandOutcome> RelockAsync()
    {
        DoorCommandOutcome last = new DoorCommandOutcome.TransportError("relock not attempted");
        for (var attempt = 1; attempt <= options.RelockAttempts; attempt++)
        {
            var result = await client.WriteSingleCoilAsync(options.SlaveId, options.RelayCoil, options.Wiring.RelayStateFor(released: false), CancellationToken.None).ConfigureAwait(false);
            last = ToOutcome(result, $"{Relay} locked, echo confirmed{(attempt > 1 ? $" on attempt {attempt}" : "")}");
            if (last.IsDone)
            {
                return last;
            }
            if (attempt < options.RelockAttempts)
            {
                await Task.Delay(options.RelockRetryDelay, timeProvider).ConfigureAwait(false);
            }
        }
        return last switch
        {
            DoorCommandOutcome.NoResponse noResponse => noResponse with { Detail = $"relock failed {options.RelockAttempts} times, the door may be released: {noResponse.Detail}" },
            DoorCommandOutcome.TransportError error => new DoorCommandOutcome.TransportError($"relock failed {options.RelockAttempts} times, the door may be released: {error.Message}"),
            _ => last,
        };
    }

    private static DoorCommandOutcome ToOutcome<T>(ModbusResult<T> result, string doneText) => result.Status switch
    {
        ModbusStatus.Success => new DoorCommandOutcome.Done(doneText),
        ModbusStatus.NoResponse => new DoorCommandOutcome.NoResponse(result.Elapsed, result.Detail),
        ModbusStatus.ExceptionResponse => new DoorCommandOutcome.Rejected(result.ExceptionCode, result.Detail),
        ModbusStatus.CorruptResponse => new DoorCommandOutcome.TransportError($"garbled answers: {result.Detail}"),
        _ => new DoorCommandOutcome.TransportError(result.Detail),
    };

    public void Dispose() => commandGate.Dispose();
}
