using EdgeGate.Core.Doors;
using EdgeGate.Devices.Modbus;
using EdgeGate.Devices.Relays;
using EdgeGate.Devices.Serial;
using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Devices.Tests.Relays;

/// <summary>The contract against <see cref="ModbusRelayDoor"/> on a pty, with the pymodbus slave on the other end.</summary>
[Collection(SerialTimingCollection.Name)]
public sealed class ModbusRelayDoorContractTests : DoorDriverContractTests
{
    private SocatPair pair = null!;
    private ModbusSlave slave = null!;
    private SerialPortStream port = null!;
    private ModbusRtuClient client = null!;

    protected override async Task<IDoorDriver> CreateDriverAsync()
    {
        pair = await SocatPair.StartAsync();
        slave = await ModbusSlave.StartAsync(pair.PathA, new ModbusSlaveOptions { DiscreteInputs = [true, false, false, false, false, false, false, false] });
        port = SerialPortStream.Open(pair.PathB, 9600);
        client = new ModbusRtuClient(port, new ModbusRtuClientOptions { ResponseTimeout = TimeSpan.FromMilliseconds(500) });
        // A first request through a fresh slave process can take longer than the response timeout; the
        // timing contracts measure the door, so the line is warmed with a read that moves nothing.
        Assert.True((await client.ReadDiscreteInputsAsync(1, 0, 1, CancellationToken.None)).IsSuccess);
        return new ModbusRelayDoor(client, new ModbusRelayDoorOptions { SlaveId = 1, RelayCoil = 0, DoorSensorInput = 0, ExitButtonInput = 1 });
    }

    /// <summary>
    /// The coil times are stamped by the Python slave when it gets round to each frame, so its own
    /// scheduling on a busy two-core box adds to the measured pulse; two RTU round trips sit in it too.
    /// </summary>
    protected override TimeSpan PulseTolerance => TimeSpan.FromMilliseconds(300);

    protected override async Task<IReadOnlyList<ObservedDoorState>> WaitForStatesAsync(int count, TimeSpan timeout)
    {
        var events = await slave.WaitForEventsAsync(e => e.Count(x => x.Kind == "coil") >= count, timeout);
        var coils = events.Where(e => e.Kind == "coil" && e.Address == 0).ToArray();
        return coils.Select(e => new ObservedDoorState(e.Value == 1, TimeSpan.FromSeconds(e.MonotonicSeconds - coils[0].MonotonicSeconds))).ToArray();
    }

    public override Task DisposeAsync()
    {
        client?.Dispose();
        port?.Dispose();
        slave?.Dispose();
        pair?.Dispose();
        return Task.CompletedTask;
    }
}
