namespace EdgeGate.Access;

/// <summary>What a door is told to do.</summary>
public enum DoorRequestKind
{
    /// <summary>Release for <see cref="DoorRequest.Duration"/>, then lock again.</summary>
    Pulse,
    /// <summary>Hold released until told otherwise (fire alarm, office hours).</summary>
    HoldReleased,
    /// <summary>Lock (end a hold).</summary>
    Lock,
}

/// <summary>One command for one door, linked to the journaled decision that caused it.</summary>
/// <param name="DoorName">The configured door name.</param>
/// <param name="Kind">Pulse, hold or lock.</param>
/// <param name="Duration">The pulse length (zero for hold and lock).</param>
/// <param name="DecisionSeq">Journal seq of the decision, null when it could not be journaled.</param>
/// <param name="AttemptId">The access attempt behind it, if any.</param>
/// <param name="RequestedAt">When the command was queued.</param>
public sealed record DoorRequest(
    string DoorName,
    DoorRequestKind Kind,
    TimeSpan Duration,
    long? DecisionSeq,
    Guid? AttemptId,
    DateTimeOffset RequestedAt);

/// <summary>
/// The door of each configured door name: the decision stage hands a grant's request straight to
/// its <see cref="DoorService"/> (<see cref="DoorService.Submit"/>), with no queue in between.
/// </summary>
public sealed class DoorServices
{
    private readonly Dictionary<string, DoorService> doors = new(StringComparer.OrdinalIgnoreCase);

    public DoorServices(IEnumerable<DoorService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var service in services)
        {
            doors.Add(service.DoorName, service);
        }
    }

    public IEnumerable<DoorService> All => doors.Values;

    /// <summary>The service of a configured door.</summary>
    /// <exception cref="KeyNotFoundException">No door of that name is configured.</exception>
    public DoorService For(string doorName) =>
        doors.TryGetValue(doorName, out var door) ? door : throw new KeyNotFoundException($"no door named '{doorName}' is configured");
}
