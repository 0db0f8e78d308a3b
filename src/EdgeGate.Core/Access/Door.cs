using EdgeGate.Core.Persons;

namespace EdgeGate.Core.Access;

/// <summary>Which way people pass through a door's reader or camera.</summary>
public enum DoorDirection
{
    Entry,
    Exit,
    /// <summary>One reader for both ways; the request names the side (see <see cref="AccessRequest.Side"/>).</summary>
    Both,
}

/// <summary>The way one passage goes, for anti-passback.</summary>
public enum PassageDirection
{
    Entry,
    Exit,
}

/// <summary>
/// A door (gate, turnstile, lock) as the access policy sees it.
/// </summary>
public sealed record Door
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary>A disabled door opens for nobody, remote unlock included (the exit button still works).</summary>
    public bool Enabled { get; init; } = true;

    public DoorDirection Direction { get; init; } = DoorDirection.Both;

    /// <summary>
    /// Doors sharing a group form entry/exit pairs for anti-passback (for example the compound's main
    /// gate in and out); null means the door takes no part in anti-passback.
    /// </summary>
    public string? AntiPassbackGroup { get; init; }

    /// <summary>
    /// Opening hours per person category. A category that is not listed may pass at any time:
    /// schedules restrict, they do not grant (residents are typically not listed, staff and visitors are).
    /// </summary>
    public IReadOnlyDictionary<PersonCategory, AccessSchedule> Schedules { get; init; } =
        new Dictionary<PersonCategory, AccessSchedule>();

    /// <summary>The schedule that applies to <paramref name="category"/>.</summary>
    public AccessSchedule ScheduleFor(PersonCategory category) =>
        Schedules.TryGetValue(category, out var schedule) ? schedule : AccessSchedule.Always;

    /// <summary>
    /// The direction of a passage at this door: the door's own for one-way doors, else
    /// <paramref name="side"/> (null when a two-way door cannot tell, which skips anti-passback).
    /// </summary>
    public PassageDirection? PassageFor(PassageDirection? side)
    {
        PassageDirection? fixedDirection = Direction switch
        {
            DoorDirection.Entry => PassageDirection.Entry,
            DoorDirection.Exit => PassageDirection.Exit,
            _ => null,
        };

        if (fixedDirection is null)
        {
            return side;
        }

        if (side is not null && side != fixedDirection)
        {
            throw new ArgumentException(
                $"Door '{Id}' is {Direction}-only but the request came from its {side} side.", nameof(side));
        }

        return fixedDirection;
    }
}
