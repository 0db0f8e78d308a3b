using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;

namespace EdgeGate.Core.Tests.Access;

/// <summary>
/// A small site for the policy tests: time zone UTC+3 without daylight saving, explicit instants
/// only. November 2026: Sunday 22, Monday 23 … Sunday 29, Monday 30.
/// </summary>
internal static class PolicyWorld
{
    public static readonly TimeSpan SiteOffset = TimeSpan.FromHours(3);

    public static readonly TimeZoneInfo SiteZone =
        TimeZoneInfo.CreateCustomTimeZone("Site+3", SiteOffset, "Site (UTC+3)", "Site (UTC+3)");

    public static readonly AccessSettings Settings = new() { TimeZone = SiteZone };

    /// <summary>A local site time in November 2026.</summary>
    public static DateTimeOffset Nov(int day, int hour, int minute = 0, int second = 0) =>
        new(2026, 11, day, hour, minute, second, SiteOffset);

    public static DateTimeOffset Local(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, SiteOffset);

    /// <summary>Monday 23 November 2026, 10:00 local: inside every schedule.</summary>
    public static readonly DateTimeOffset Monday10 = Nov(23, 10);

    public static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    public static readonly Person Ana = new()
    {
        Id = "p-ana",
        DisplayName = "Ana Resident",
        Unit = "A-101",
        Category = PersonCategory.Resident,
        ValidFrom = Local(2026, 1, 1),
        ValidUntil = Local(2026, 12, 31, 23, 59, 59),
    };

    public static readonly Person Ben = Ana with { Id = "p-ben", DisplayName = "Ben Resident", Unit = "B-202" };

    public static readonly Person Sam = new()
    {
        Id = "p-sam",
        DisplayName = "Sam Staff",
        Category = PersonCategory.Staff,
    };

    public static readonly Person Vic = new()
    {
        Id = "p-vic",
        DisplayName = "Vic Visitor",
        Category = PersonCategory.Visitor,
        ValidFrom = Nov(20, 0),
        ValidUntil = Nov(30, 0),
    };

    public static readonly Card AnaCard = new()
    {
        Uid = "CA01",
        PersonId = Ana.Id,
        IssuedAt = Local(2026, 1, 1),
        ValidUntil = Local(2027, 6, 30, 23, 59, 59),
    };

    public static readonly Card SamCard = new()
    {
        Uid = "CS01",
        PersonId = Sam.Id,
        IssuedAt = Local(2026, 1, 1),
        ValidUntil = Local(2027, 6, 30),
    };

    private static IReadOnlyList<TimeRange> Ranges(params string[] ranges) => ranges.Select(TimeRange.Parse).ToArray();

    private static readonly IReadOnlyList<TimeRange> OfficeHours = Ranges("07:00-19:00");

    /// <summary>Staff: weekdays 07:00–19:00, closed Wed 25 Nov, 10:00–14:00 on Thu 26 Nov. Visitors: daily 09:00–18:00.</summary>
    public static readonly AccessSchedule StaffDaySchedule = new()
    {
        Weekly = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
        {
            [DayOfWeek.Monday] = OfficeHours,
            [DayOfWeek.Tuesday] = OfficeHours,
            [DayOfWeek.Wednesday] = OfficeHours,
            [DayOfWeek.Thursday] = OfficeHours,
            [DayOfWeek.Friday] = OfficeHours,
        },
        Holidays = new Dictionary<DateOnly, IReadOnlyList<TimeRange>>
        {
            [new DateOnly(2026, 11, 25)] = [],
            [new DateOnly(2026, 11, 26)] = Ranges("10:00-14:00"),
        },
    };

    public static readonly AccessSchedule VisitorSchedule = new()
    {
        Weekly = Enum.GetValues<DayOfWeek>().ToDictionary(day => day, _ => Ranges("09:00-18:00")),
    };

    /// <summary>Night shift: Sunday to Thursday 22:00–06:00; Fri 27 Nov holiday 22:00–02:00; Sun 29 Nov closed.</summary>
    public static readonly AccessSchedule NightSchedule = new()
    {
        Weekly = new[] { DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday }
            .ToDictionary(day => day, _ => Ranges("22:00-06:00")),
        Holidays = new Dictionary<DateOnly, IReadOnlyList<TimeRange>>
        {
            [new DateOnly(2026, 11, 27)] = Ranges("22:00-02:00"),
            [new DateOnly(2026, 11, 29)] = [],
        },
    };

    public static readonly Door MainIn = new()
    {
        Id = "main-in",
        Name = "Main gate (in)",
        Direction = DoorDirection.Entry,
        AntiPassbackGroup = "main",
        Schedules = new Dictionary<PersonCategory, AccessSchedule>
        {
            [PersonCategory.Staff] = StaffDaySchedule,
            [PersonCategory.Visitor] = VisitorSchedule,
        },
    };

    public static readonly Door MainOut = MainIn with { Id = "main-out", Name = "Main gate (out)", Direction = DoorDirection.Exit };

    public static readonly Door GarageIn = new()
    {
        Id = "garage-in",
        Name = "Garage (in)",
        Direction = DoorDirection.Entry,
        AntiPassbackGroup = "garage",
    };

    /// <summary>A two-way side door with one reader per side and its own anti-passback group.</summary>
    public static readonly Door Lobby = new()
    {
        Id = "lobby",
        Name = "Lobby",
        Direction = DoorDirection.Both,
        AntiPassbackGroup = "lobby",
    };

    /// <summary>A two-way door without anti-passback; staff only at night.</summary>
    public static readonly Door ServiceDoor = new()
    {
        Id = "service",
        Name = "Service door",
        Direction = DoorDirection.Both,
        Schedules = new Dictionary<PersonCategory, AccessSchedule> { [PersonCategory.Staff] = NightSchedule },
    };

    public static readonly Door DisabledDoor = ServiceDoor with { Id = "old-gate", Name = "Old gate", Enabled = false };

    public static AccessRequest Face(Person? person, DateTimeOffset at, Door? door = null, double similarity = 0.62,
        bool live = true, double liveness = 0.97, string? matchedId = null, PassageDirection? side = null) => new()
    {
        Credential = new FaceCredential(matchedId ?? person?.Id, similarity, liveness, live, "cam-1"),
        Door = door ?? MainIn,
        At = at,
        Person = person,
        Side = side,
    };

    public static AccessRequest Stranger(DateTimeOffset at, Door? door = null, double similarity = 0.30, bool live = true) => new()
    {
        Credential = new FaceCredential(null, similarity, 0.95, live, "cam-1"),
        Door = door ?? MainIn,
        At = at,
    };

    public static AccessRequest Tap(Card? card, Person? holder, DateTimeOffset at, Door? door = null, string? uidRead = null,
        PassageDirection? side = null) => new()
    {
        Credential = new CardCredential(uidRead ?? card?.Uid ?? "FFFF", "reader-1"),
        Door = door ?? MainIn,
        At = at,
        Card = card,
        Person = holder,
        Side = side,
    };

    public static AccessRequest Remote(DateTimeOffset at, Door? door = null) => new()
    {
        Credential = new RemoteCredential("office-1", "parcel delivery"),
        Door = door ?? MainIn,
        At = at,
    };

    public static AccessRequest ExitButton(DateTimeOffset at, Door? door = null) => new()
    {
        Credential = new ExitButtonCredential("rex-1"),
        Door = door ?? MainIn,
        At = at,
    };
}
