using EdgeGate.Core.Access;
using EdgeGate.Configuration;

namespace EdgeGate.Access;

/// <summary>
/// The configured doors as the policy sees them, with each door's pulse length. A configuration reload
/// may replace their rules (schedule, direction, passback group, pulse length) but not the set of doors.
/// </summary>
public sealed class AccessDoors
{
    private Dictionary<string, (Door Door, TimeSpan PulseLength)> doors;

    public AccessDoors(IEnumerable<DoorOptions> doorOptions)
    {
        doors = Build(doorOptions);
    }

    /// <summary>The configured door names.</summary>
    public IReadOnlyCollection<string> Names => Volatile.Read(ref doors).Keys;

    public bool TryGet(string doorName, out Door door, out TimeSpan pulseLength)
    {
        if (Volatile.Read(ref doors).TryGetValue(doorName, out var entry))
        {
            (door, pulseLength) = entry;
            return true;
        }
        door = null!;
        pulseLength = default;
        return false;
    }

    /// <summary>Takes new rules for the same doors (a door added or removed needs a restart: its driver and service start with the gateway).</summary>
    public void Replace(IEnumerable<DoorOptions> doorOptions)
    {
        var next = Build(doorOptions);
        var current = Volatile.Read(ref doors);
        if (next.Count != current.Count || next.Keys.Any(name => !current.ContainsKey(name)))
        {
            throw new InvalidOperationException("a reload cannot add or remove doors; restart the gateway");
        }
        Volatile.Write(ref doors, next);
    }

    private static Dictionary<string, (Door Door, TimeSpan PulseLength)> Build(IEnumerable<DoorOptions> doorOptions)
    {
        ArgumentNullException.ThrowIfNull(doorOptions);
        var built = new Dictionary<string, (Door Door, TimeSpan PulseLength)>(StringComparer.OrdinalIgnoreCase);
        foreach (var options in doorOptions)
        {
            built.Add(options.Name, (AccessConfiguration.ToDoor(options), options.PulseLength));
        }
        return built;
    }
}
