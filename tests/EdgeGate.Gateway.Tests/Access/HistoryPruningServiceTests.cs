using EdgeGate.Configuration;
using EdgeGate.Access;
using EdgeGate.Gateway.Tests.Live;
using EdgeGate.Gateway.Tests.Uplink;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>The gateway's history pruning on a real SQLite file: at start, then every interval, with its log lines.</summary>
public sealed class HistoryPruningServiceTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-history-prune-").FullName;

    [Fact]
    public async Task Prunes_at_start_and_each_interval_and_warns_when_undelivered_rows_exceed_the_cap()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        using var key = TemplateKeyStore.LoadOrCreate(Path.Combine(directory, "credentials"));
        await using var database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = Path.Combine(directory, "edgegate.db") }, key, time);
        JournalDraft[] Drafts(int count) => Enumerable.Range(0, count)
            .Select(i => new JournalDraft(JournalLane.Event, "access_decision", time.GetUtcNow(), $$"""{"door":"gate","personId":"p-{{i % 7}}","reason":"GRANTED_CARD"}"""))
            .ToArray();
        await database.Journal.AppendBatchAsync(Drafts(1500));
        time.Advance(TimeSpan.FromDays(40));
        await database.Journal.AppendBatchAsync(Drafts(300));
        await database.Journal.AcknowledgeAsync(1400);

        var options = new JournalOptions { HistoryRetention = TimeSpan.FromDays(30), HistoryMaxRows = 1000 };
        var logs = new CapturingLoggerProvider();
        using var loggers = new LoggerFactory([logs]);
        using var service = new HistoryPruningService(database, options, time, loggers.CreateLogger<HistoryPruningService>());
        await service.StartAsync(CancellationToken.None);
        try
        {
            // At start: the 1,400 delivered rows are past 30 days; the 100 older ones not delivered stay.
            await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(logs.Lines.Any(line => line.EventId == 3901)), "the prune at start");
            Assert.Contains("1400 rows past their retention, 0 over the row cap; 400 rows kept", logs.Lines.Single(line => line.EventId == 3901).Message, StringComparison.Ordinal);
            var left = await database.Journal.QueryHistoryAsync(new HistoryQuery { Limit = 1000 });
            Assert.Equal(Enumerable.Range(1401, 400).Reverse().Select(seq => (long)seq), left.Entries.Select(entry => entry.Seq));

            // Offline for a while: 900 more events, none delivered, push the journal over the cap of 1,000.
            await database.Journal.AppendBatchAsync(Drafts(900));
            time.Advance(HistoryPruningService.Interval);
            await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(logs.Lines.Any(line => line.EventId == 3902)), "the warning about undelivered rows over the cap");
            Assert.Contains("holds 1300 rows, over the history cap of 1000, because 1300 events are not yet acknowledged", logs.Lines.Single(line => line.EventId == 3902).Message, StringComparison.Ordinal);
            Assert.Equal(1300, (await database.Journal.GetStatusAsync()).Rows);

            // Delivered at last: the next prune brings it down to the cap, oldest first.
            await database.Journal.AcknowledgeAsync(2700);
            time.Advance(HistoryPruningService.Interval);
            await UplinkDeliveryTests.WaitUntilAsync(async () => (await database.Journal.GetStatusAsync()).Rows == 1000, "the history cut to its cap");
            Assert.Equal(1701, (await database.Journal.QueryHistoryAsync(new HistoryQuery { Limit = 1000 })).Entries[^1].Seq);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
