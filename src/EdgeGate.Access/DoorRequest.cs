using System.Threading.Channels;
using EdgeGate.Gateway.Configuration;

namespace EdgeGate.Gateway.Access;

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
/// One never-dropping command queue per configured door, read by that door's <see cref="DoorService"/>.
/// </summary>
public sealed class DoorRequestQueues
{
    /// <summary>Commands that may wait per door before the decision stage waits.</summary>
    public const int CapacityPerDoor = 64;

    private readonly Dictionary<string, (DoorOptions Options, Channel<DoorRequest> Channel)> doors =
        new(StringComparer.OrdinalIgnoreCase);

    public DoorRequestQueues(IEnumerable<DoorOptions> doorOptions)
    {
        ArgumentNullException.ThrowIfNull(doorOptions);
        foreach (var options in doorOptions)
        {
            doors.Add(options.Name, (options, Channel.CreateBounded<DoorRequest>(
                new BoundedChannelOptions(CapacityPerDoor) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true })));
        }
    }

    public IEnumerable<string> DoorNames => doors.Keys;

    public DoorOptions OptionsFor(string doorName) => doors[doorName].Options;

    public bool Contains(string doorName) => doors.ContainsKey(doorName);

    public ChannelReader<DoorRequest> ReaderFor(string doorName) => doors[doorName].Channel.Reader;

    /// <summary>Queues a command; waits while that door's queue is full, never drops it.</summary>
    /// <exception cref="KeyNotFoundException">No door of that name is configured.</exception>
    public ValueTask EnqueueAsync(DoorRequest command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!doors.TryGetValue(command.DoorName, out var door))
        {
            throw new KeyNotFoundException($"no door named '{command.DoorName}' is configured");
        }
        return door.Channel.Writer.WriteAsync(command, cancellationToken);
    }

    /// <summary>Shutdown: each door finishes what is queued.</summary>
    public void Complete()
    {
        foreach (var door in doors.Values)
        {
            door.Channel.Writer.TryComplete();
        }
    }
}
