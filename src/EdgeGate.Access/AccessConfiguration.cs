using System.Globalization;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Configuration;
using CoreDoorDirection = EdgeGate.Core.Access.DoorDirection;
using OptionsDoorDirection = EdgeGate.Configuration.DoorDirection;

namespace EdgeGate.Access;

/// <summary>
/// Maps the validated configuration (<see cref="PolicyOptions"/>, <see cref="DoorOptions"/>) to the
/// access policy's types. <see cref="EdgeGateSettings.Validate"/> has checked every value, so a
/// failure here is a bug, not a configuration error.
/// </summary>
public static class AccessConfiguration
{
    public static AccessSettings ToAccessSettings(EdgeGateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AccessSettings
        {
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(settings.Gateway.TimeZone),
            WatchList = settings.Policy.AdmitWatchListed ? WatchListAction.AllowAndAlert : WatchListAction.DenyAndAlert,
            Cooldown = settings.Policy.Cooldown,
            Passback = Enum.Parse<PassbackMode>(settings.Policy.Passback, ignoreCase: false),
        };
    }

    public static Door ToDoor(DoorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schedules = new Dictionary<PersonCategory, AccessSchedule>();
        if (options.Schedule is { } scheduleOptions)
        {
            var schedule = ToSchedule(scheduleOptions);
            foreach (var category in scheduleOptions.AppliesTo)
            {
                schedules[Enum.Parse<PersonCategory>(category, ignoreCase: false)] = schedule;
            }
        }
        return new Door
        {
            Id = options.Name,
            Name = options.Name,
            Enabled = options.Enabled,
            Direction = options.Direction switch
            {
                OptionsDoorDirection.Entry => CoreDoorDirection.Entry,
                OptionsDoorDirection.Exit => CoreDoorDirection.Exit,
                _ => CoreDoorDirection.Both,
            },
            AntiPassbackGroup = string.IsNullOrWhiteSpace(options.PassbackGroup) ? null : options.PassbackGroup,
            Schedules = schedules,
        };
    }

    public static AccessSchedule ToSchedule(ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var weekly = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
        {
            [DayOfWeek.Monday] = Ranges(options.Monday),
            [DayOfWeek.Tuesday] = Ranges(options.Tuesday),
            [DayOfWeek.Wednesday] = Ranges(options.Wednesday),
            [DayOfWeek.Thursday] = Ranges(options.Thursday),
            [DayOfWeek.Friday] = Ranges(options.Friday),
            [DayOfWeek.Saturday] = Ranges(options.Saturday),
            [DayOfWeek.Sunday] = Ranges(options.Sunday),
        };
        var holidayHours = Ranges(options.HolidayHours);
        var holidays = options.Holidays.ToDictionary(
            date => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => holidayHours);
        return new AccessSchedule { Weekly = weekly, Holidays = holidays };
    }

    private static IReadOnlyList<TimeRange> Ranges(IEnumerable<string> ranges) =>
        ranges.Select(text => EdgeGateSettings.TryParseTimeRange(text, out var start, out var end)
                ? new TimeRange(start, end)
                : throw new FormatException($"'{text}' is not a time range like 07:00-19:30"))
            .ToArray();
}
