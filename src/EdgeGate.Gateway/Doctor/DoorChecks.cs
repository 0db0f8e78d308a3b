using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeGate.Devices.Modbus;
using EdgeGate.Configuration;

namespace EdgeGate.Gateway.Doctor;

/// <summary>
/// Each configured door, without moving it: a Modbus relay board must answer a read of the door's
/// relay coil; an LCUS relay's port must open (the module never answers); a log door needs nothing.
/// </summary>
public sealed class DoorChecks(IReadOnlyList<DoorOptions> doors) : IDoctorCheck
{
    /// <summary>Upper bound of one board's check, retries and quiet-line waits included.</summary>
    public static readonly TimeSpan MaximumCheckTime = TimeSpan.FromSeconds(5);

    public async IAsyncEnumerable<DoctorFinding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var index = 0; index < doors.Count; index++)
        {
            var door = doors[index];
            var subject = $"door {door.Name}";
            var key = $"Doors:{index}";
            yield return door.Kind switch
            {
                DoorKind.Log => DoctorFinding.Ok(subject, "log door, no hardware"),
                DoorKind.ModbusRtu when door.ModbusRtu is { } modbus => await CheckModbusAsync(subject, $"{key}:ModbusRtu", modbus, cancellationToken).ConfigureAwait(false),
                DoorKind.Lcus when door.Lcus is { } lcus => CheckLcus(subject, $"{key}:Lcus", door.Name, lcus),
                // Reaching the lock broker is the broker check's; the lock itself answers only to a command.
                DoorKind.Mqtt when door.Mqtt is { } mqtt => DoctorFinding.Ok(subject, $"MQTT lock {mqtt.Flavor} '{mqtt.Topic}' on the lock broker (see the lock broker line)"),
                _ => DoctorFinding.Failure(subject, $"Kind {door.Kind} has no {door.Kind} section", $"add {key}:{door.Kind}"),
            };
        }
    }

    private static async Task<DoctorFinding> CheckModbusAsync(string subject, string key, ModbusRtuDoorOptions modbus, CancellationToken cancellationToken)
    {
        var (stream, failure) = SerialDeviceProbe.TryOpen(subject, $"{key}:Port", modbus.Port, modbus.BaudRate);
        if (stream is null)
        {
            return failure!;
        }
        await using (stream.ConfigureAwait(false))
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"slave {modbus.SlaveId} on {modbus.Port} at {modbus.BaudRate} baud");
            // The same timing as the gateway's driver, so a board that answers here answers there.
            using var client = new ModbusRtuClient(stream, new ModbusRtuClientOptions
            {
                BaudRate = modbus.BaudRate,
                ResponseTimeout = modbus.ResponseTimeout,
                RetriesAfterNoResponse = modbus.Retries,
            });
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(MaximumCheckTime);
            ModbusResult<bool[]> result;
            try
            {
                result = await client.ReadCoilsAsync(checked((byte)modbus.SlaveId), checked((ushort)modbus.Coil), 1, bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return DoctorFinding.Failure(subject, $"no answer from {where} within {MaximumCheckTime.TotalSeconds:0} s", WiringAdvice(key, modbus));
            }
            var milliseconds = result.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            return result.Status switch
            {
                ModbusStatus.Success => DoctorFinding.Ok(subject, string.Create(CultureInfo.InvariantCulture,
                    $"relay board answers ({where}): relay coil {modbus.Coil} is {(result.Value![0] ? "on" : "off")}, answered in {milliseconds} ms")),
                ModbusStatus.NoResponse => DoctorFinding.Failure(subject,
                    string.Create(CultureInfo.InvariantCulture, $"no answer from {where} ({result.Attempts} attempt(s), {modbus.ResponseTimeout.TotalMilliseconds:0} ms each)"),
                    WiringAdvice(key, modbus)),
                ModbusStatus.ExceptionResponse => DoctorFinding.Failure(subject,
                    string.Create(CultureInfo.InvariantCulture, $"{where} answered but refused to read relay coil {modbus.Coil}: {result.Detail}"),
                    $"check {key}:Coil against the board's manual (relays are numbered from 0)"),
                ModbusStatus.CorruptResponse => DoctorFinding.Failure(subject, $"garbled answers from {where}: {result.Detail}",
                    $"check the baud rate in {key}:BaudRate against the board, that no other master talks on the bus, " +
                    "and the bus termination (120 ohm at both ends of a long line)"),
                _ => DoctorFinding.Failure(subject, $"the line to {where} failed: {result.Detail}",
                    "check that the adapter is plugged in firmly (dmesg shows USB disconnects)"),
            };
        }
    }

    private static string WiringAdvice(string key, ModbusRtuDoorOptions modbus) => string.Create(CultureInfo.InvariantCulture,
        $"check the board's power and the RS-485 wiring (A to A, B to B: swap A/B if unsure), the baud rate ({modbus.BaudRate}) " +
        $"and slave id ({modbus.SlaveId}) set on the board against {key}:BaudRate and {key}:SlaveId");

    private static DoctorFinding CheckLcus(string subject, string key, string doorName, LcusDoorOptions lcus)
    {
        var (stream, failure) = SerialDeviceProbe.TryOpen(subject, $"{key}:Port", lcus.Port, 9600);
        if (stream is null)
        {
            return failure!;
        }
        stream.Dispose();
        return DoctorFinding.Ok(subject, string.Create(CultureInfo.InvariantCulture,
            $"LCUS relay port {lcus.Port} opens (channel {lcus.Channel}; the module never answers: pulse it with 'edgegate door test {doorName}')"));
    }
}
