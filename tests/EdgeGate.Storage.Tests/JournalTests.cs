using System.Text.Json;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Storage.Tests;

public sealed class JournalTests
{
    private static JournalDraft Event(int number, DateTimeOffset at) =>
        new(JournalLane.Event, "door_opened", at, $$"""{"number":{{number}}}""");

    private static JournalDraft Alert(int number, DateTimeOffset at) =>
        new(JournalLane.Alert, "watch_list", at, $$"""{"number":{{number}}}""");

    [Fact]
    public async Task Seq_is_monotonic_across_reopen_and_never_reused_after_pruning()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var now = test.Time.GetUtcNow();
        Assert.Equal(0, test.Db.Journal.LastRecordedSeq);
        var first = new List<long>();
        for (var number = 0; number < 5; number++)
        {
            first.Add(await test.Db.Journal.AppendAsync(Event(number, now)));
        }
        Assert.Equal([1L, 2, 3, 4, 5], first);
        Assert.Equal(5, test.Db.Journal.LastRecordedSeq);
        test.Close();
        test.Open();
        Assert.Equal(5, test.Db.Journal.LastRecordedSeq);
        Assert.Equal([6L, 7, 8], await test.Db.Journal.AppendBatchAsync([Event(5, now), Alert(6, now), Event(7, now)]));
        Assert.Equal(8, test.Db.Journal.LastRecordedSeq);

        Assert.Equal(AcknowledgeOutcome.Advanced, await test.Db.Journal.AcknowledgeAsync(8));
        Assert.Equal(8, (await test.Db.Journal.PruneHistoryAsync(new HistoryRetention(TimeSpan.FromDays(30), MaximumRows: 0))).RemovedByCap);
        Assert.Empty(await test.Db.Journal.ReadFromAsync(0, 100));
        test.Close();
        test.Open();
        Assert.Equal(8, test.Db.Journal.LastRecordedSeq);
        Assert.Equal(9, await test.Db.Journal.AppendAsync(Event(8, now)));
        var status = await test.Db.Journal.GetStatusAsync();
        Assert.Equal(new JournalStatus(Rows: 1, AlertRows: 0, LastSeq: 9, AckedSeq: 8, UnackedRows: 1), status);
    }

    [Fact]
    public async Task ReadFrom_returns_entries_after_a_seq_by_lane_and_pruning_needs_an_ack()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var at = test.Time.GetUtcNow().AddSeconds(-3);
        test.Time.Advance(TimeSpan.FromSeconds(1));
        await test.Db.Journal.AppendBatchAsync([Event(1, at), Alert(2, at), Event(3, at), Alert(4, at), Event(5, at)]);

        var all = await test.Db.Journal.ReadFromAsync(0, 100);
        Assert.Equal([1L, 2, 3, 4, 5], all.Select(entry => entry.Seq));
        Assert.Equal(new JournalEntry(2, JournalLane.Alert, "watch_list", at, test.Time.GetUtcNow(), """{"number":2}"""), all[1] with { OccurredAt = StoredTime.Truncate(all[1].OccurredAt) });
        Assert.Equal([2L, 4], (await test.Db.Journal.ReadFromAsync(0, 100, JournalLane.Alert)).Select(entry => entry.Seq));
        Assert.Equal([3L, 5], (await test.Db.Journal.ReadFromAsync(2, 100, JournalLane.Event)).Select(entry => entry.Seq));
        Assert.Equal([3L, 4], (await test.Db.Journal.ReadFromAsync(2, 2)).Select(entry => entry.Seq));

        var everything = new HistoryRetention(TimeSpan.Zero, MaximumRows: 0);
        Assert.Equal(new HistoryPruneResult(0, 0, Rows: 5, UndeliveredRows: 5, OverCap: 5), await test.Db.Journal.PruneHistoryAsync(everything));
        Assert.Equal(AcknowledgeOutcome.BeyondLastSeq, await test.Db.Journal.AcknowledgeAsync(6));
        Assert.Equal(AcknowledgeOutcome.Advanced, await test.Db.Journal.AcknowledgeAsync(3));
        Assert.Equal(AcknowledgeOutcome.Unchanged, await test.Db.Journal.AcknowledgeAsync(2));
        Assert.Equal(3, await test.Db.Journal.GetAckedSeqAsync());
        Assert.Equal(new HistoryPruneResult(0, 3, Rows: 2, UndeliveredRows: 2, OverCap: 2), await test.Db.Journal.PruneHistoryAsync(everything));
        Assert.Equal([4L, 5], (await test.Db.Journal.ReadFromAsync(0, 100)).Select(entry => entry.Seq));
        test.Close();
        test.Open();
        Assert.Equal(3, await test.Db.Journal.GetAckedSeqAsync());
    }

    [Fact]
    public async Task Invalid_json_is_refused_and_nothing_of_the_batch_is_recorded()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var now = test.Time.GetUtcNow();
        var error = Assert.Throws<ArgumentException>(() =>
        {
            _ = test.Db.Journal.AppendBatchAsync([Event(1, now), new JournalDraft(JournalLane.Event, "bad", now, "{not json")]);
        });
        Assert.Contains("'bad'", error.Message, StringComparison.Ordinal);
        // the database refuses it too (CHECK json_valid), should anything bypass the store
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => test.Db.WriteAsync(
            context => context.Command("INSERT INTO journal (lane, type, occurred_at, recorded_at, payload) VALUES ('event', 'bad', 0, 0, '{oops')").ExecuteNonQuery(),
            CancellationToken.None));
        Assert.Empty(await test.Db.Journal.ReadFromAsync(0, 10));
        Assert.Equal(1, await test.Db.Journal.AppendAsync(Event(2, now)));
    }

    [Fact]
    public async Task At_the_cap_routine_events_age_out_oldest_first_alerts_stay_and_the_loss_is_recorded()
    {
        await using var test = await TestDatabase.OpenNewAsync(options => new StorageOptions
        {
            DatabasePath = options.DatabasePath,
            JournalMaximumRows = 10,
            JournalDropBatchRows = 3,
        });
        var now = test.Time.GetUtcNow();
        // seq 1..10: alerts at 2 and 5, the rest routine
        for (var number = 1; number <= 10; number++)
        {
            await test.Db.Journal.AppendAsync(number is 2 or 5 ? Alert(number, now) : Event(number, now));
        }
        Assert.Equal(10, (await test.Db.Journal.GetStatusAsync()).Rows);

        var seq = await test.Db.Journal.AppendAsync(Event(11, now));
        // the three oldest routine events (1, 3, 4) went; one alert (seq 11) records it; the new event is 12
        Assert.Equal(12, seq);
        var entries = await test.Db.Journal.ReadFromAsync(0, 100);
        Assert.Equal([2L, 5, 6, 7, 8, 9, 10, 11, 12], entries.Select(entry => entry.Seq));
        var loss = entries.Single(entry => entry.Seq == 11);
        Assert.Equal(JournalLane.Alert, loss.Lane);
        Assert.Equal(EventJournal.EventsDroppedType, loss.Type);
        var payload = JsonSerializer.Deserialize<EventsDroppedPayload>(loss.PayloadJson, JsonSerializerOptions.Web);
        Assert.Equal(new EventsDroppedPayload(Count: 3, FirstSeq: 1, LastSeq: 4, Cap: 10), payload);

        // keep writing routine events: the alerts (2, 5 and every loss record) are never dropped
        for (var number = 13; number <= 60; number++)
        {
            await test.Db.Journal.AppendAsync(Event(number, now));
        }
        var after = await test.Db.Journal.ReadFromAsync(0, 1000);
        Assert.True(after.Count <= 10 + after.Count(entry => entry.Lane == JournalLane.Alert));
        Assert.Contains(after, entry => entry.Seq == 2);
        Assert.Contains(after, entry => entry.Seq == 5);
        var losses = after.Where(entry => entry.Type == EventJournal.EventsDroppedType)
            .Select(entry => JsonSerializer.Deserialize<EventsDroppedPayload>(entry.PayloadJson, JsonSerializerOptions.Web)!)
            .ToList();
        var remainingEvents = after.Where(entry => entry.Lane == JournalLane.Event).Select(entry => entry.Seq).ToList();
        // every routine event written is either still there or counted in exactly one loss record
        // numbers 2 and 5 were alerts; 12 was never written (seq 12 carried number 11)
        var routineWritten = Enumerable.Range(1, 60).Count(number => number is not (2 or 5 or 12));
        Assert.Equal(routineWritten, remainingEvents.Count + losses.Sum(loss => loss.Count));
        // oldest first: what remains is the newest routine events
        Assert.True(losses.Max(loss => loss.LastSeq) < remainingEvents.Min());
        Assert.Equal(remainingEvents.OrderBy(value => value), remainingEvents);
    }

    [Fact]
    public async Task At_the_cap_the_oldest_acknowledged_rows_are_removed_before_anything_is_lost()
    {
        await using var test = await TestDatabase.OpenNewAsync(options => new StorageOptions
        {
            DatabasePath = options.DatabasePath,
            JournalMaximumRows = 5,
            JournalDropBatchRows = 1,
        });
        var now = test.Time.GetUtcNow();
        await test.Db.Journal.AppendBatchAsync([Event(1, now), Event(2, now), Event(3, now), Event(4, now), Event(5, now)]);
        await test.Db.Journal.AcknowledgeAsync(2);
        await test.Db.Journal.AppendAsync(Event(6, now));
        var entries = await test.Db.Journal.ReadFromAsync(0, 100);
        Assert.Equal([2L, 3, 4, 5, 6], entries.Select(entry => entry.Seq));
        Assert.DoesNotContain(entries, entry => entry.Type == EventJournal.EventsDroppedType);
        // the row count kept in memory followed: a prune to 3 rows removes exactly two delivered rows
        await test.Db.Journal.AcknowledgeAsync(4);
        var pruned = await test.Db.Journal.PruneHistoryAsync(new HistoryRetention(TimeSpan.FromDays(30), MaximumRows: 3));
        Assert.Equal((2L, 3L), (pruned.RemovedByCap, pruned.Rows));
    }

    [Fact]
    public async Task A_full_disk_is_a_specific_exception_and_earlier_records_survive()
    {
        await using var test = await TestDatabase.OpenNewAsync(options => new StorageOptions
        {
            DatabasePath = options.DatabasePath,
            MaximumDatabaseBytes = 256 * 1024,
        });
        var now = test.Time.GetUtcNow();
        var payload = JsonSerializer.Serialize(new { blob = new string('x', 2000) });
        var recorded = new List<long>();
        var error = await Assert.ThrowsAsync<StorageFullException>(async () =>
        {
            for (var number = 0; number < 1000; number++)
            {
                recorded.Add(await test.Db.Journal.AppendAsync(new JournalDraft(JournalLane.Event, "big", now, payload)));
            }
        });
        Assert.Contains("full", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(recorded);
        Assert.Equal(recorded, (await test.Db.Journal.ReadFromAsync(0, 2000)).Select(entry => entry.Seq));
        Assert.Empty(await test.Db.CheckIntegrityAsync());
        // room again after the platform acknowledged and the history was pruned
        await test.Db.Journal.AcknowledgeAsync(recorded[^1]);
        await test.Db.Journal.PruneHistoryAsync(new HistoryRetention(TimeSpan.FromDays(30), MaximumRows: 0));
        Assert.Equal(recorded[^1] + 1, await test.Db.Journal.AppendAsync(new JournalDraft(JournalLane.Event, "big", now, payload)));
    }

    [Fact]
    public async Task Concurrent_appends_get_unique_contiguous_seqs()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var now = test.Time.GetUtcNow();
        var tasks = Enumerable.Range(0, 50).Select(number => Task.Run(() => test.Db.Journal.AppendAsync(Event(number, now))));
        var seqs = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, 50).Select(value => (long)value), seqs.Order());
    }
}
