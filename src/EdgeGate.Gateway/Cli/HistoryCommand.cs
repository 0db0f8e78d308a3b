using System.CommandLine;
using System.Globalization;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate history</c>: the local access history (decisions, door events, alerts), newest first, as a
/// table or CSV. It opens the database read-only (no migration, no template key), so it works with the
/// gateway stopped and while it runs.
/// </summary>
internal static class HistoryCommand
{
    private const int DefaultTableRows = 100;
    private const int CsvPageRows = 1000;
    private const int DetailWidth = 60;

    /// <summary>How long a read waits when the gateway's writer holds a lock (it never holds one long).</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var config = CliEnvironment.ConfigOption();
        var from = new Option<string?>("--from") { Description = "From this time on (yyyy-MM-dd: the start of that day in the site's time zone, or ISO 8601 like 2026-12-07T18:00:00+08:00)" };
        var to = new Option<string?>("--to") { Description = "Up to this time (yyyy-MM-dd: the end of that day, or ISO 8601)" };
        var person = new Option<string?>("--person") { Description = "Only this person id" };
        var door = new Option<string?>("--door") { Description = "Only this door (its configured name)" };
        var reason = new Option<string?>("--reason") { Description = "Only this reason code, e.g. GRANTED_FACE or DENIED_UNKNOWN" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (RFC 4180, header row) instead of a table; without --limit, every matching row" };
        var limit = new Option<string?>("--limit") { Description = $"At most this many rows (table default {DefaultTableRows}, at most {HistoryQuery.MaximumLimit})" };
        var before = new Option<string?>("--before") { Description = "Only rows older than this seq (the next page after a table)" };
        var command = new Command("history", "Show the local access history (works with the gateway stopped)")
        {
            config, from, to, person, door, reason, csv, limit, before,
        };
        // Unknown words are reported by the action, as a bad argument (exit 2) like every other.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = CliEnvironment.Error(parseResult);
            if (parseResult.UnmatchedTokens.Count > 0)
            {
                error.WriteLine($"error: unknown argument '{parseResult.UnmatchedTokens[0]}' (see edgegate history --help)");
                return ExitCodes.Usage;
            }
            if (!QueryValues.TryParseLong(parseResult.GetValue(limit), 1, HistoryQuery.MaximumLimit, out var rows))
            {
                error.WriteLine($"error: --limit must be a number 1-{HistoryQuery.MaximumLimit}");
                return ExitCodes.Usage;
            }
            if (!QueryValues.TryParseLong(parseResult.GetValue(before), 1, long.MaxValue, out var beforeSeq))
            {
                error.WriteLine("error: --before must be a seq number, 1 or more");
                return ExitCodes.Usage;
            }
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Unavailable;
            }
            var timeZone = CliEnvironment.TimeZone(settings);
            var asCsv = parseResult.GetValue(csv);
            var pageRows = asCsv ? (int)Math.Min(rows ?? CsvPageRows, CsvPageRows) : (int)(rows ?? DefaultTableRows);
            if (HistoryRecord.TryParseQuery(
                parseResult.GetValue(from), parseResult.GetValue(to), parseResult.GetValue(person), parseResult.GetValue(door),
                parseResult.GetValue(reason), beforeSeq, pageRows, timeZone, namePrefix: "--", out var query) is { } problem)
            {
                error.WriteLine($"error: {problem}");
                return ExitCodes.Usage;
            }
            var path = GatewayDatabase.DatabasePath(settings);
            var output = CliEnvironment.Output(parseResult);
            try
            {
                if (asCsv)
                {
                    await HistoryRecord.WriteCsvAsync(output, query, (int)(rows ?? int.MaxValue), CsvPageRows, timeZone,
                        (next, _) => Task.FromResult(EventJournal.ReadHistoryFile(path, next, BusyTimeout)), cancellationToken);
                    return ExitCodes.Success;
                }
                var page = EventJournal.ReadHistoryFile(path, query, BusyTimeout);
                WriteTable(output, page, timeZone);
                return ExitCodes.Success;
            }
            catch (StorageException exception)
            {
                error.WriteLine($"error: {exception.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }

    private static void WriteTable(TextWriter output, HistoryPage page, TimeZoneInfo timeZone)
    {
        if (page.Entries.Count == 0)
        {
            output.WriteLine("no matching history");
            return;
        }
        var records = page.Entries.Select(entry => HistoryRecord.From(entry, page.AckedSeq)).ToArray();
        CliEnvironment.WriteTable(output, ["SEQ", "TIME", "TYPE", "DOOR", "PERSON", "REASON", "DETAIL", "SENT"], records.Select(record => (IReadOnlyList<string>)[
            record.Seq.ToString(CultureInfo.InvariantCulture),
            TimeZoneInfo.ConvertTime(record.OccurredAt, timeZone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            record.Type,
            record.Door ?? "-",
            record.PersonId ?? "-",
            record.Reason ?? "-",
            Shorten(record.Detail ?? record.Outcome ?? "-"),
            record.Delivered ? "yes" : "no",
        ]).ToArray());
        if (page.NextBeforeSeq is { } next)
        {
            output.WriteLine($"older rows follow: add --before {next.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= DetailWidth ? line : line[..(DetailWidth - 1)] + "…";
    }
}
