using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Access;

/// <summary>
/// One row of the local access history as the API, its CSV export and <c>edgegate history</c> show it:
/// the journal row with the fields people search by lifted out of its payload (<see cref="AccessJournal"/>).
/// <see cref="Detail"/> is the decision's message, the door's answer or the alarm and its state;
/// <see cref="Delivered"/> says whether the platform has acknowledged the row.
/// </summary>
public sealed record HistoryRecord(
    long Seq,
    string Lane,
    string Type,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? Door,
    string? PersonId,
    string? CardUid,
    string? Reason,
    string? Outcome,
    string? Detail,
    bool Delivered,
    JsonElement Payload)
{
    /// <summary>The CSV columns, in order (<see cref="CsvFields"/>).</summary>
    public static readonly IReadOnlyList<string> CsvHeader =
        ["seq", "occurred_at", "type", "door", "person", "card", "reason", "outcome", "detail", "delivered"];

    public static HistoryRecord From(JournalEntry entry, long ackedSeq)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var document = JsonDocument.Parse(entry.PayloadJson);
        var payload = document.RootElement;
        var detail = Text(payload, "message") ?? Text(payload, "detail")
            ?? (Text(payload, "alarm") is { } alarm ? $"{alarm} {Text(payload, "state")}".TrimEnd() : null);
        return new HistoryRecord(
            entry.Seq,
            entry.Lane == JournalLane.Alert ? "alert" : "event",
            entry.Type,
            entry.OccurredAt,
            entry.RecordedAt,
            Text(payload, "door"),
            Text(payload, "personId"),
            Text(payload, "cardUid"),
            Text(payload, "reason"),
            Text(payload, "outcome"),
            detail,
            entry.Seq <= ackedSeq,
            payload.Clone());
    }

    /// <summary>The values of <see cref="CsvHeader"/>; times in the site's time zone, ISO 8601 with offset.</summary>
    public IReadOnlyList<string> CsvFields(TimeZoneInfo timeZone) =>
    [
        Seq.ToString(CultureInfo.InvariantCulture),
        TimeZoneInfo.ConvertTime(OccurredAt, timeZone).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        Type,
        Door ?? "",
        PersonId ?? "",
        CardUid ?? "",
        Reason ?? "",
        Outcome ?? "",
        Detail ?? "",
        Delivered ? "yes" : "no",
    ];

    /// <summary>One CSV line (RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled), CRLF-terminated.</summary>
    public static string CsvLine(IEnumerable<string> fields)
    {
        var line = new StringBuilder();
        foreach (var field in fields)
        {
            if (line.Length > 0)
            {
                line.Append(',');
            }
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(field);
            }
        }
        return line.Append("\r\n").ToString();
    }

    /// <summary>
    /// Writes the header and every row matching <paramref name="query"/> (at most <paramref name="total"/>)
    /// as CSV, newest first, reading <paramref name="pageRows"/> rows at a time with <paramref name="read"/>.
    /// </summary>
    public static async Task WriteCsvAsync(
        TextWriter writer, HistoryQuery query, int total, int pageRows, TimeZoneInfo timeZone,
        Func<HistoryQuery, CancellationToken, Task<HistoryPage>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(read);
        await writer.WriteAsync(CsvLine(CsvHeader)).ConfigureAwait(false);
        var written = 0;
        var next = query;
        while (written < total)
        {
            var page = await read(next with { Limit = Math.Min(pageRows, total - written) }, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                await writer.WriteAsync(CsvLine(From(entry, page.AckedSeq).CsvFields(timeZone))).ConfigureAwait(false);
            }
            written += page.Entries.Count;
            if (page.NextBeforeSeq is not { } nextBefore)
            {
                break;
            }
            next = next with { BeforeSeq = nextBefore };
        }
    }

    /// <summary>
    /// Builds a history query from text as typed (API query string or command line): times as
    /// <c>yyyy-MM-dd</c> (a whole day in the site's time zone: <c>from</c> its start, <c>to</c> its end)
    /// or ISO 8601 with an offset; a reason code in any case. Returns the problem in plain words, or null;
    /// <paramref name="namePrefix"/> goes before the names of the time bounds in it (<c>--</c> on the command line).
    /// </summary>
    public static string? TryParseQuery(
        string? from, string? to, string? person, string? door, string? reason, long? beforeSeq, int limit,
        TimeZoneInfo timeZone, string namePrefix, out HistoryQuery query)
    {
        query = new HistoryQuery();
        DateTimeOffset? fromTime = null;
        DateTimeOffset? toTime = null;
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (!ValidityEnd.TryParseBound(from, timeZone, endOfDay: false, out var parsed))
            {
                return $"{namePrefix}from '{from}' is not a date like 2026-12-07 or a time like 2026-12-07T18:00:00+08:00";
            }
            fromTime = parsed;
        }
        if (!string.IsNullOrWhiteSpace(to))
        {
            if (!ValidityEnd.TryParseBound(to, timeZone, endOfDay: true, out var parsed))
            {
                return $"{namePrefix}to '{to}' is not a date like 2026-12-07 or a time like 2026-12-07T23:00:00+08:00";
            }
            toTime = parsed;
        }
        if (fromTime > toTime)
        {
            return $"{namePrefix}from must not be later than {namePrefix}to";
        }
        query = new HistoryQuery
        {
            From = fromTime,
            To = toTime,
            PersonId = NullIfBlank(person),
            Door = NullIfBlank(door),
            Reason = NullIfBlank(reason)?.ToUpperInvariant(),
            BeforeSeq = beforeSeq,
            Limit = limit,
        };
        return query.Problem();
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Text(JsonElement payload, string name) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;
}
