using EdgeGate.Core.Persons;
using Microsoft.AspNetCore.Http;

namespace EdgeGate.Api;

/// <summary>The new last day of a renewal (a card, or a resident's stay): <c>yyyy-MM-dd</c> in the site's time zone, checked by <see cref="ValidityEnd"/>.</summary>
internal static class RenewalDay
{
    /// <summary>The end of the typed day, or a 400 answer saying what is wrong with it.</summary>
    public static (DateOnly Day, DateTimeOffset Until, IResult? Error) Read(string? text, AdminApiContext context, DateTimeOffset now)
    {
        var (day, until, problem) = Check(text, context, now);
        return (day, until, problem is null ? null : ApiResults.BadRequest(problem));
    }

    /// <summary>The end of the typed day, or what is wrong with it in a sentence.</summary>
    public static (DateOnly Day, DateTimeOffset Until, string? Problem) Check(string? text, AdminApiContext context, DateTimeOffset now)
    {
        if (!ValidityEnd.TryParseDay(text, out var day))
        {
            return (default, default, $"'until' must be the last day of validity as yyyy-MM-dd (got '{text}')");
        }
        var until = context.EndOfDay(day);
        return (day, until, ValidityEnd.Problem(until, now, day.ToString(ValidityEnd.DayFormat, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
