using EdgeGate.Core.Access;
using EdgeGate.Gateway.Configuration;

namespace EdgeGate.Gateway.Access;

/// <summary>The configured doors as the policy sees them, with each door's pulse length.</summary>
public sealed class AccessDoors
{
    private readonly Dictionary<string, (Door Door, TimeSpan PulseLength)> doors = new(StringComparer.OrdinalIgnoreCase);

    public AccessDoors(IEnumerable<DoorOptions> doorOptions)
    {
        ArgumentNullException.ThrowIfNull(doorOptions);
        foreach (var options in doorOptions)
        {
            doors.Add(options.Name, (AccessConfiguration.ToDoor(options), options.PulseLength));
        }
    }

    public bool TryGet(string doorName, out Door door, out TimeSpan pulseLength)
    {
        if (doors.TryGetValue(doorName, out var entry))
        {
            (door, pulseLength) = entry;
            return true;
        }
        door = null!;
        pulseLength = default;
        return false;
    }
}
