using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Tests;

public sealed class JournalHistoryTests
{
    private static JournalDraft Decision(string door, string? person, string reason, DateTimeOffset at, JournalLane lane = JournalLane.Event) =>
        new(lane, "access_decision", at,
            person is null
                ? $$"""{"door":"{{door}}","reason":"{{reason}}","message":"unknown face"}"""
                : $$"""{"door":"{{door}}","personId":"{{person}}","reason":"{{reason}}","message":"welcome"}""");

    private static JournalDraft DoorOutcome(string door, DateTimeOffset at) =>
        new(JournalLane.Event, "door_outcome", at, $$"""{"door":"{{door}}","outcome":"done","detail":"relay pulsed"}""");

    private static readonly HistoryRetention Month = new(TimeSpan.FromDays(30), MaximumRows: 1000);

    [Fact]
    public async Task Acknowledged_rows_stay_queryable_and_are_not_read_for_upload_again()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var start = test.Time.GetUtcNow();
        await test.Db.Journal.AppendBatchAsync([
            Decision("north-gate", "p-1", "GRANTED_FACE", start),
            DoorOutcome("north-gate", start.AddSeconds(1)),
            Decision("north-gate", null, "DENIED_UNKNOWN", start.AddMinutes(5)),
            Decision("lobby", "p-2", "GRANTED_CARD", start.AddMinutes(10), JournalLane.Alert),
        ]);
        Assert.Equal(AcknowledgeOutcome.Advanced, await test.Db.Journal.AcknowledgeAsync(4));
        await test.Db.Journal.PruneHistoryAsync(Month);

        // the uplink reads from the ack: nothing left to send
        Assert.Empty(await test.Db.Journal.ReadFromAsync(await test.Db.Journal.GetAckedSeqAsync(), 100));
        var all = await test.Db.Journal.QueryHistoryAsync(new HistoryQuery());
        Assert.Equal([4L, 3, 2, 1], all.Entries.Select(entry => entry.Seq));
        Assert.Equal(4, all.AckedSeq);
        Assert.Null(all.NextBeforeSeq);

        Assert.Equal([3L, 2, 1], (await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Door = "north-gate" })).Entries.Select(entry => entry.Seq));
        Assert.Equal([1L], (await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { PersonId = "p-1" })).Entries.Select(entry => entry.Seq));
        Assert.Equal([3L], (await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Reason = "DENIED_UNKNOWN" })).Entries.Select(entry => entry.Seq));
        Assert.Equal([3L, 2], (await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { From = start.AddSeconds(1), To = start.AddMinutes(5) })).Entries.Select(entry => entry.Seq));
        Assert.Empty((await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Door = "lobby", PersonId = "p-1" })).Entries);

        // keyset paging, newest first
        var first = await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Limit = 3 });
        Assert.Equal([4L, 3, 2], first.Entries.Select(entry => entry.Seq));
        Assert.Equal(2, first.NextBeforeSeq);
        var second = await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Limit = 3, BeforeSeq = first.NextBeforeSeq });
        Assert.Equal([1L], second.Entries.Select(entry => entry.Seq));
        Assert.Null(second.NextBeforeSeq);

        // and the same through the read-only file reader, with the database still open for writing
        var fromFile = EventJournal.ReadHistoryFile(test.DatabasePath, new HistoryQuery { Door = "north-gate", Limit = 2 }, TimeSpan.FromSeconds(5));
        Assert.Equal([3L, 2], fromFile.Entries.Select(entry => entry.Seq));
        Assert.Equal(2, fromFile.NextBeforeSeq);
    }

    [Fact]
    public async Task Pruning_by_age_removes_only_acknowledged_rows_oldest_first()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        for (var day = 0; day < 40; day++)
        {
            await test.Db.Journal.AppendAsync(Decision("north-gate", "p-1", "GRANTED_FACE", test.Time.GetUtcNow()));
            test.Time.Advance(TimeSpan.FromDays(1));
        }
        // rows 1..40 recorded on days 0..39; now is day 40: rows 1..10 are older than 30 days.
        await test.Db.Journal.AcknowledgeAsync(6);
        var result = await test.Db.Journal.PruneHistoryAsync(Month with { BatchRows = 2 });
        Assert.Equal(6, result.RemovedByAge);
        Assert.Equal(0, result.RemovedByCap);
        Assert.Equal(34, result.Rows);
        // 7..10 are past the retention but not delivered: kept
        var left = await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Limit = 100 });
        Assert.Equal(Enumerable.Range(7, 34).Reverse().Select(value => (long)value), left.Entries.Select(entry => entry.Seq));

        await test.Db.Journal.AcknowledgeAsync(40);
        result = await test.Db.Journal.PruneHistoryAsync(Month with { BatchRows = 3 });
        Assert.Equal(4, result.RemovedByAge);
        Assert.Equal(30, result.Rows);
        Assert.Equal(11, (await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Limit = 100 })).Entries[^1].Seq);
        Assert.Equal(30, (await test.Db.Journal.GetStatusAsync()).Rows);
    }

    [Fact]
    public async Task Pruning_by_cap_removes_the_oldest_acknowledged_rows_and_never_undelivered_ones()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var now = test.Time.GetUtcNow();
        await test.Db.Journal.AppendBatchAsync(Enumerable.Range(0, 20).Select(_ => Decision("lobby", "p-3", "GRANTED_CARD", now)).ToArray());
        var capped = new HistoryRetention(TimeSpan.FromDays(30), MaximumRows: 8, BatchRows: 5);

        await test.Db.Journal.AcknowledgeAsync(15);
        var result = await test.Db.Journal.PruneHistoryAsync(capped);
        Assert.Equal(new HistoryPruneResult(0, 12, Rows: 8, UndeliveredRows: 5, OverCap: 0), result);
        Assert.Equal(13, (await test.Db.Journal.QueryHistoryAsync(new HistoryQuery { Limit = 100 })).Entries[^1].Seq);

        // offline: 30 more events, none delivered; the cap cannot be kept without losing them
        await test.Db.Journal.AppendBatchAsync(Enumerable.Range(0, 30).Select(_ => Decision("lobby", "p-3", "GRANTED_CARD", now)).ToArray());
        result = await test.Db.Journal.PruneHistoryAsync(capped);
        Assert.Equal(3, result.RemovedByCap);
        Assert.Equal(35, result.Rows);
        Assert.Equal(35, result.UndeliveredRows);
        Assert.Equal(27, result.OverCap);
        Assert.Equal(Enumerable.Range(16, 35).Select(value => (long)value), (await test.Db.Journal.ReadFromAsync(15, 100)).Select(entry => entry.Seq));
    }

    [Fact]
    public async Task Queries_use_the_history_indexes()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        using var connection = new SqliteConnection($"Data Source={test.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        string Plan(string where)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"EXPLAIN QUERY PLAN SELECT seq FROM journal WHERE {where} ORDER BY seq DESC LIMIT 10";
            command.Parameters.AddWithValue("$v", "x");
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(reader.GetString(3));
            }
            return string.Join(" | ", lines);
        }
        // the same expressions as EventJournal.QueryHistory
        Assert.Contains("journal_by_person", Plan("json_extract(payload, '$.personId') IS NOT NULL AND json_extract(payload, '$.personId') = $v"), StringComparison.Ordinal);
        Assert.Contains("journal_by_door", Plan("json_extract(payload, '$.door') IS NOT NULL AND json_extract(payload, '$.door') = $v"), StringComparison.Ordinal);
        Assert.Contains("journal_by_reason", Plan("json_extract(payload, '$.reason') IS NOT NULL AND json_extract(payload, '$.reason') = $v"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_whose_acknowledged_rows_were_deleted_is_migrated_and_its_history_continues()
    {
        await using var test = TestDatabase.Create();
        Directory.CreateDirectory(Path.GetDirectoryName(test.DatabasePath)!);
        using (var connection = new SqliteConnection($"Data Source={test.DatabasePath};Pooling=False"))
        {
            connection.Open();
            MigrationRunner.Apply(connection, test.Time, 5);
            using var command = connection.CreateCommand();
            // as the previous release left it: rows 1-3 delivered and deleted, 4-5 waiting
            command.CommandText =
                "INSERT INTO journal (lane, type, occurred_at, recorded_at, payload) VALUES " +
                "('event', 'access_decision', $t + 1, $t + 1, '{\"door\":\"gate\",\"personId\":\"p-1\",\"reason\":\"GRANTED_FACE\"}'), " +
                "('event', 'access_decision', $t + 2, $t + 2, '{\"door\":\"gate\",\"personId\":\"p-2\",\"reason\":\"GRANTED_FACE\"}'), " +
                "('event', 'access_decision', $t + 3, $t + 3, '{\"door\":\"gate\",\"personId\":\"p-1\",\"reason\":\"GRANTED_FACE\"}'), " +
                "('event', 'access_decision', $t + 4, $t + 4, '{\"door\":\"gate\",\"personId\":\"p-2\",\"reason\":\"GRANTED_CARD\"}'), " +
                "('event', 'access_decision', $t + 5, $t + 5, '{\"door\":\"gate\",\"personId\":\"p-1\",\"reason\":\"GRANTED_CARD\"}'); " +
                "UPDATE journal_ack SET acked_seq = 3 WHERE id = 1; DELETE FROM journal WHERE seq <= 3;";
            command.Parameters.AddWithValue("$t", test.Time.GetUtcNow().ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        var database = test.Open();
        Assert.Equal(EdgeGateDatabase.LatestSchemaVersion, await database.GetSchemaVersionAsync());
        Assert.Equal([5L], (await database.Journal.QueryHistoryAsync(new HistoryQuery { PersonId = "p-1" })).Entries.Select(entry => entry.Seq));
        var next = await database.Journal.AppendAsync(Decision("gate", "p-1", "GRANTED_FACE", test.Time.GetUtcNow()));
        Assert.Equal(6, next);
        await database.Journal.AcknowledgeAsync(6);
        await database.Journal.PruneHistoryAsync(Month);
        Assert.Equal([6L, 5], (await database.Journal.QueryHistoryAsync(new HistoryQuery { PersonId = "p-1" })).Entries.Select(entry => entry.Seq));
        Assert.Empty(await database.CheckIntegrityAsync());
    }

    [Theory]
    [InlineData(0, null, null, "limit")]
    [InlineData(10_001, null, null, "limit")]
    [InlineData(10, "2026-12-02T00:00:00Z", "2026-12-01T00:00:00Z", "from must not be later than to")]
    public void Bad_queries_are_refused_with_the_reason(int limit, string? from, string? to, string expected)
    {
        var query = new HistoryQuery
        {
            Limit = limit,
            From = from is null ? null : DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            To = to is null ? null : DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Contains(expected, query.Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_missing_file_says_so()
    {
        var path = Path.Combine(Path.GetTempPath(), "edgegate-storage-tests", Guid.NewGuid().ToString("N"), "edgegate.db");
        var error = Assert.Throws<StorageException>(() => EventJournal.ReadHistoryFile(path, new HistoryQuery(), TimeSpan.FromSeconds(1)));
        Assert.Contains("there is no database", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
