using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace EdgeGate.Gateway.Api;

/// <summary>The new last day of a renewal (a card, or a resident's stay): <c>yyyy-MM-dd</c> in the site's time zone.</summary>
internal static class RenewalDay
{
    /// <summary>A renewal further ahead than this is taken for a typing mistake.</summary>
    public static readonly TimeSpan MaximumAhead = TimeSpan.FromDays(366 * 10);

    /// <summary>The end of the typed day, or a 400 answer saying what is wrong with it.</summary>
    public static (DateOnly Day, DateTimeOffset Until, IResult? Error) Read(string? text, AdminApiContext context, DateTimeOffset now)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return (default, default, ApiResults.BadRequest($"'until' must be the last day of validity as yyyy-MM-dd (got '{text}')"));
        }
        var until = context.EndOfDay(day);
        if (until < now)
        {
            return (day, until, ApiResults.BadRequest($"{day:yyyy-MM-dd} is in the past; a renewal must end today or later"));
        }
        if (until - now > MaximumAhead)
        {
            return (day, until, ApiResults.BadRequest($"{day:yyyy-MM-dd} is more than ten years ahead"));
        }
        return (day, until, null);
    }
}
