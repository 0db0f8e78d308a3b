using EdgeGate.Configuration;

namespace EdgeGate.Api;

/// <summary>What the API needs from the configuration: the doors and the site's time zone.</summary>
public sealed class AdminApiContext
{
    public required IReadOnlyList<DoorView> Doors { get; init; }

    /// <summary>Card expiry dates typed in the console are days in this zone.</summary>
    public required TimeZoneInfo SiteTimeZone { get; init; }

    public static AdminApiContext From(EdgeGateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AdminApiContext
        {
            Doors = settings.Doors.Select(door => new DoorView(door.Name, door.Kind.ToString(), door.Direction.ToString())).ToArray(),
            SiteTimeZone = TimeZoneInfo.FindSystemTimeZoneById(settings.Gateway.TimeZone),
        };
    }

    public DoorView? FindDoor(string name) =>
        Doors.FirstOrDefault(door => string.Equals(door.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The last millisecond of <paramref name="day"/> in the site's time zone.</summary>
    public DateTimeOffset EndOfDay(DateOnly day) => Core.Persons.ValidityEnd.EndOfDay(day, SiteTimeZone);
}
