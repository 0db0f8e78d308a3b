using System.Globalization;

namespace EdgeGate.Core.Persons;

/// <summary>
/// The end of a validity the property office sets (a card's expiry, a resident's stay). A last day
/// typed as <c>yyyy-MM-dd</c> ends at its last millisecond in the site's time zone. One rule for the
/// console, the API and the command line: the end is today or later and at most ten years ahead
/// (further is taken for a typing mistake).
/// </summary>
public static class ValidityEnd
{
    public const string DayFormat = "yyyy-MM-dd";

    /// <summary>An end further ahead than this is refused.</summary>
    public static readonly TimeSpan MaximumAhead = TimeSpan.FromDays(366 * 10);

    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text?.Trim(), DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>The last millisecond of <paramref name="day"/> in <paramref name="timeZone"/>.</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        var local = day.ToDateTime(new TimeOnly(23, 59, 59, 999), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, timeZone.GetUtcOffset(local));
    }

    /// <summary>
    /// Why <paramref name="until"/> cannot end a validity set at <paramref name="now"/> (<paramref name="shown"/>
    /// is how the user wrote it), or null when it can.
    /// </summary>
    public static string? Problem(DateTimeOffset until, DateTimeOffset now, string shown)
    {
        if (until < now)
        {
            return $"{shown} is in the past; a renewal must end today or later";
        }
        return until - now > MaximumAhead ? $"{shown} is more than ten years ahead" : null;
    }

    /// <summary>
    /// Parses a date or time for validity bounds: <c>yyyy-MM-dd</c> means the whole day in the site's
    /// time zone (the start of it for a "from", the end of it for an "until"); an ISO 8601 time with
    /// an offset is taken as given.
    /// </summary>
    public static bool TryParseBound(string text, TimeZoneInfo timeZone, bool endOfDay, out DateTimeOffset value)
    {
        if (ValidityEnd.TryParseDay(text, out var date))
        {
            if (endOfDay)
            {
                value = ValidityEnd.EndOfDay(date, timeZone);
                return true;
            }
            var local = date.ToDateTime(TimeOnly.MinValue);
            value = new DateTimeOffset(local, timeZone.GetUtcOffset(local));
            return true;
        }
        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out value)
            && text.Contains('T', StringComparison.Ordinal);
    }
}
