using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EdgeGate.Api;

/// <summary>
/// <c>events</c>: journal search by lane, type and text. With <c>after</c> it pages forward from that
/// seq; without, it searches the newest part of the journal.
/// </summary>
internal static class EventEndpoints
{
    private const int PageRows = 500;

    /// <summary>Rows looked at per request at most, so a rare type cannot make one request scan the whole journal.</summary>
    private const int MaximumScannedRows = 20_000;

    /// <summary>Without <c>after</c>, the search covers this many of the newest rows.</summary>
    private const int TailRows = 5_000;

    public static void Map(RouteGroupBuilder api) => api.MapGet("events", SearchAsync);

    private static async Task<IResult> SearchAsync(
        [FromServices] EdgeGateDatabase database,
        string? after,
        string? lane,
        string? type,
        string? q,
        string? limit,
        CancellationToken cancellationToken)
    {
        if (!QueryValues.TryParseLong(after, 0, long.MaxValue, out var afterSeq))
        {
            return ApiResults.BadRequest("after must be a seq number, 0 or more");
        }
        if (!QueryValues.TryParseInt(limit, 1, AdminApiLimits.MaximumPageSize, out var rows))
        {
            return ApiResults.BadRequest($"limit must be a number 1-{AdminApiLimits.MaximumPageSize}");
        }
        JournalLane? wantedLane = null;
        if (!string.IsNullOrWhiteSpace(lane))
        {
            if (!Enum.TryParse<JournalLane>(lane, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(lane, out _))
            {
                return ApiResults.BadRequest($"lane '{lane}' is not one of alert, event");
            }
            wantedLane = parsed;
        }
        if (type is { Length: > 100 } || q is { Length: > 200 })
        {
            return ApiResults.BadRequest("type may hold at most 100 characters and q at most 200");
        }
        var count = rows ?? 100;
        var status = await database.Journal.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var tail = afterSeq is null;
        var position = afterSeq ?? Math.Max(0, status.LastSeq - TailRows);
        var matches = new List<JournalEntry>();
        var scanned = 0;
        var more = false;
        while (true)
        {
            var page = await database.Journal.ReadFromAsync(position, PageRows, wantedLane, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }
            foreach (var entry in page)
            {
                position = entry.Seq;
                if (Matches(entry, type, q))
                {
                    matches.Add(entry);
                    if (!tail && matches.Count == count)
                    {
                        break;
                    }
                }
            }
            scanned += page.Count;
            if (!tail && matches.Count == count)
            {
                more = position < status.LastSeq;
                break;
            }
            if (page.Count < PageRows)
            {
                break;
            }
            if (scanned >= MaximumScannedRows)
            {
                more = true;
                break;
            }
        }
        if (tail && matches.Count > count)
        {
            matches.RemoveRange(0, matches.Count - count);
        }
        return TypedResults.Json(
            new EventPage(matches.Select(EventView.From).ToArray(), position, status.LastSeq, more),
            AdminApiJson.Options);
    }

    private static bool Matches(JournalEntry entry, string? type, string? text) =>
        (string.IsNullOrWhiteSpace(type) || string.Equals(entry.Type, type.Trim(), StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrWhiteSpace(text) || entry.PayloadJson.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase));
}
