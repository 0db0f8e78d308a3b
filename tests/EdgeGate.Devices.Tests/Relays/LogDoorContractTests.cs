using EdgeGate.Core.Doors;
using EdgeGate.Devices.Relays;

namespace EdgeGate.Devices.Tests.Relays;

public sealed class LogDoorContractTests : DoorDriverContractTests
{
    private LogDoor door = null!;

    protected override TimeSpan PulseTolerance => TimeSpan.FromMilliseconds(100);

    protected override Task<IDoorDriver> CreateDriverAsync()
    {
        door = new LogDoor(TimeProvider.System);
        return Task.FromResult<IDoorDriver>(door);
    }

    protected override async Task<IReadOnlyList<ObservedDoorState>> WaitForStatesAsync(int count, TimeSpan timeout)
    {
        await Eventually.UntilAsync(() => door.History.Count >= count, timeout, $"{count} door activities");
        var history = door.History;
        Assert.True(history.Count >= count, $"{history.Count} activities, expected {count}");
        var origin = history[0].At;
        return history.Select(a => new ObservedDoorState(a.Released, a.At - origin)).ToArray();
    }

    public override Task DisposeAsync()
    {
        door.Dispose();
        return Task.CompletedTask;
    }
}
