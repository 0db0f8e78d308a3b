using System.Globalization;
using System.Text;
using EdgeGate.Access;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EdgeGate.Api;

/// <summary>
/// <c>history</c>: the local access history (acknowledged or not), newest first, filtered by time,
/// person, door and reason code; JSON pages (continue with <c>before</c> = <c>next</c>) or a CSV export.
/// </summary>
internal static class HistoryEndpoints
{
    /// <summary>Rows read per query while a CSV export streams.</summary>
    private const int CsvPageRows = 1000;

    private const int DefaultPageRows = 100;

    public static void Map(RouteGroupBuilder api) => api.MapGet("history", QueryAsync);

    private static async Task<IResult> QueryAsync(
        [FromServices] EdgeGateDatabase database,
        [FromServices] AdminApiContext context,
        [FromServices] TimeProvider timeProvider,
        string? from,
        string? to,
        string? person,
        string? door,
        string? reason,
        string? before,
        string? limit,
        string? format,
        CancellationToken cancellationToken)
    {
        var csv = format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "json" => false,
            "csv" => true,
            _ => (bool?)null,
        };
        if (csv is null)
        {
            return ApiResults.BadRequest($"format '{format}' is not one of json, csv");
        }
        if (!QueryValues.TryParseLong(before, 1, long.MaxValue, out var beforeSeq))
        {
            return ApiResults.BadRequest("before must be a seq number, 1 or more (the previous page's next)");
        }
        var maximumRows = csv.Value ? HistoryQuery.MaximumLimit : AdminApiLimits.MaximumPageSize;
        if (!QueryValues.TryParseInt(limit, 1, maximumRows, out var rows))
        {
            return ApiResults.BadRequest($"limit must be a number 1-{maximumRows}");
        }
        var pageRows = csv.Value ? Math.Min(rows ?? CsvPageRows, CsvPageRows) : rows ?? DefaultPageRows;
        if (HistoryRecord.TryParseQuery(from, to, person, door, reason, beforeSeq, pageRows, context.SiteTimeZone, namePrefix: "", out var query) is { } problem)
        {
            return ApiResults.BadRequest(problem);
        }
        if (!csv.Value)
        {
            var page = await database.Journal.QueryHistoryAsync(query, cancellationToken).ConfigureAwait(false);
            return TypedResults.Json(
                new HistoryPageView(page.Entries.Select(entry => HistoryRecord.From(entry, page.AckedSeq)).ToArray(), page.NextBeforeSeq, page.AckedSeq),
                AdminApiJson.Options);
        }
        // Without a limit the export holds every matching row, read a page at a time while it streams.
        var fileName = $"edgegate-history-{TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), context.SiteTimeZone).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.csv";
        return TypedResults.Stream(
            async stream =>
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                await HistoryRecord.WriteCsvAsync(writer, query, rows ?? int.MaxValue, CsvPageRows, context.SiteTimeZone, database.Journal.QueryHistoryAsync, cancellationToken).ConfigureAwait(false);
            },
            "text/csv; charset=utf-8",
            fileName);
    }
}

/// <summary>A page of history, newest first: pass <see cref="Next"/> as <c>before</c> for the next page (null: no more).</summary>
public sealed record HistoryPageView(IReadOnlyList<HistoryRecord> Entries, long? Next, long AckedSeq);
