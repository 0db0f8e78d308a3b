namespace EdgeGate.Core.Access;

/// <summary>
/// A range of local clock time. <see cref="Start"/> is inclusive and <see cref="End"/> exclusive.
/// When <see cref="End"/> is not after <see cref="Start"/> the range crosses midnight: 22:00–06:00
/// listed on a Friday runs from Friday 22:00 to Saturday 06:00; 00:00–00:00 is the whole day and,
/// in general, equal ends mean the 24 hours from <see cref="Start"/>.
/// </summary>
public readonly record struct TimeRange(TimeOnly Start, TimeOnly End)
{
    public static TimeRange WholeDay { get; } = new(TimeOnly.MinValue, TimeOnly.MinValue);

    /// <summary>True when <paramref name="time"/> lies in the part of the range on its own day.</summary>
    public bool ContainsOnStartDay(TimeOnly time) =>
        time >= Start && (End > Start ? time < End : true);

    /// <summary>True when <paramref name="time"/> lies in the part that spills into the next day.</summary>
    public bool ContainsOnNextDay(TimeOnly time) =>
        End <= Start && time < End;

    public static TimeRange Parse(string text)
    {
        var parts = text.Split('-', '–');
        if (parts.Length != 2)
        {
            throw new FormatException($"Expected a time range like 22:00-06:00, got '{text}'.");
        }

        return new TimeRange(
            TimeOnly.Parse(parts[0].Trim(), System.Globalization.CultureInfo.InvariantCulture),
            TimeOnly.Parse(parts[1].Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public override string ToString() => $"{Start:HH\\:mm}–{End:HH\\:mm}";
}

/// <summary>
/// Weekly opening hours with holiday overrides, in the site's local time. Each day's ranges start
/// on that day; a range that crosses midnight continues into the next day whatever that day is
/// (a holiday, or Monday after Sunday). A holiday replaces the weekday's ranges for that date; an
/// empty list closes the door for the day.
/// </summary>
public sealed record AccessSchedule
{
    /// <summary>No restriction.</summary>
    public static AccessSchedule Always { get; } = new() { IsAlways = true };

    /// <summary>Ranges per weekday; a day that is not listed has none (closed).</summary>
    public IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> Weekly { get; init; } =
        new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>();

    /// <summary>Dates with their own ranges instead of the weekday's; an empty list means closed.</summary>
    public IReadOnlyDictionary<DateOnly, IReadOnlyList<TimeRange>> Holidays { get; init; } =
        new Dictionary<DateOnly, IReadOnlyList<TimeRange>>();

    public bool IsAlways { get; private init; }

    /// <summary>The ranges that start on <paramref name="date"/>.</summary>
    public IReadOnlyList<TimeRange> RangesStartingOn(DateOnly date)
    {
        if (Holidays.TryGetValue(date, out var holiday))
        {
            return holiday;
        }

        return Weekly.TryGetValue(date.DayOfWeek, out var ranges) ? ranges : [];
    }

    /// <summary>Whether the local date and time <paramref name="local"/> falls inside the schedule.</summary>
    public bool IsOpenAt(DateTime local)
    {
        if (IsAlways)
        {
            return true;
        }

        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);

        foreach (var range in RangesStartingOn(date))
        {
            if (range.ContainsOnStartDay(time))
            {
                return true;
            }
        }

        if (date == DateOnly.MinValue)
        {
            return false;
        }

        foreach (var range in RangesStartingOn(date.AddDays(-1)))
        {
            if (range.ContainsOnNextDay(time))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the instant <paramref name="at"/> falls inside the schedule in <paramref name="timeZone"/>.</summary>
    public bool IsOpenAt(DateTimeOffset at, TimeZoneInfo timeZone) =>
        IsOpenAt(TimeZoneInfo.ConvertTime(at, timeZone).DateTime);
}
