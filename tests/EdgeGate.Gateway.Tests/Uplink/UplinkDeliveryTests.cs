using System.Text.Json;
using EdgeGate.Tools.Simulator;
using EdgeGate.Uplink;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

public sealed class UplinkDeliveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DeliveryLimit = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Delivers_every_event_once_acknowledged_in_order_and_keeps_them_as_history()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker);

        var seqs = await bed.JournalAsync(3000, everyNthAlert: 100);
        await bed.Platform.WaitForAckAsync(seqs[^1], DeliveryLimit);

        Assert.Equal(seqs, bed.Platform.Events().Select(e => e.Seq));
        var routine = bed.Platform.ArrivalOrder().Where(s => bed.Platform.Events()[(int)s - 1].Lane == "event").ToArray();
        Assert.Equal(routine.Order(), routine);
        Assert.Equal(30, bed.Platform.Events().Count(e => e.Lane == "alert"));
        Assert.Equal("{\"i\":0}", bed.Platform.Events()[0].DataJson);
        await WaitUntilAsync(async () => (await bed.Database.Journal.GetStatusAsync()).UnackedRows == 0, "every row acknowledged");
        Assert.Equal(3000, (await bed.Database.Journal.GetStatusAsync()).Rows);
        Assert.Equal(seqs[^1], await bed.Database.Journal.GetAckedSeqAsync());
        Assert.Contains("\"status\":\"online\"", bed.Platform.LastState);
        output.WriteLine($"duplicates {bed.Platform.Duplicates}, out-of-order first arrivals {bed.Platform.OutOfOrderArrivals}");
    }

    [Fact]
    public async Task Acknowledged_events_stay_in_the_history_and_are_not_sent_again()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker);
        var start = DateTimeOffset.UtcNow;
        var drafts = Enumerable.Range(0, 50).Select(i => new JournalDraft(JournalLane.Event, "access_decision", start.AddSeconds(i),
            $$"""{"door":"north-gate","personId":"p-{{i % 5}}","reason":"GRANTED_FACE","message":"welcome"}""")).ToArray();
        var seqs = await bed.Database.Journal.AppendBatchAsync(drafts);
        await bed.Platform.WaitForAckAsync(seqs[^1], DeliveryLimit);
        await WaitUntilAsync(async () => await bed.Database.Journal.GetAckedSeqAsync() == seqs[^1], "the gateway recorded the platform's ack");
        var duplicatesAtAck = bed.Platform.Duplicates;

        // A later event travels the same session: nothing already acknowledged goes out with it.
        var later = await bed.Database.Journal.AppendAsync(new JournalDraft(JournalLane.Event, "access_decision", DateTimeOffset.UtcNow,
            """{"door":"north-gate","personId":"p-1","reason":"GRANTED_CARD","message":"welcome"}"""));
        await bed.Platform.WaitForAckAsync(later, DeliveryLimit);
        await WaitUntilAsync(async () => await bed.Database.Journal.GetAckedSeqAsync() == later, "the gateway recorded the second ack");
        Assert.Equal(duplicatesAtAck, bed.Platform.Duplicates);
        Assert.Equal(51, bed.Platform.DistinctEvents);

        var status = await bed.Database.Journal.GetStatusAsync();
        Assert.Equal((51L, 0L), (status.Rows, status.UnackedRows));
        var history = await bed.Database.Journal.QueryHistoryAsync(new HistoryQuery { PersonId = "p-1", Door = "north-gate" });
        Assert.Equal(new[] { later }.Concat(seqs.Where((_, i) => i % 5 == 1).Reverse()), history.Entries.Select(entry => entry.Seq));
        Assert.All(history.Entries, entry => Assert.True(entry.Seq <= history.AckedSeq));
    }

    [Fact]
    public async Task An_alert_recorded_behind_a_backlog_is_sent_first()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker,
            new UplinkSessionOptions { Window = 200, BatchSize = 100, PollInterval = TimeSpan.FromMilliseconds(50) },
            connectGateway: false);
        await bed.JournalAsync(10_000);
        var alertSeq = await bed.Database.Journal.AppendAsync(new JournalDraft(JournalLane.Alert, "forced_door", DateTimeOffset.UtcNow, "{\"door\":\"gate-1\"}"));

        await bed.StartUplinkAsync();
        await bed.Platform.WaitForAckAsync(alertSeq, DeliveryLimit);

        var order = bed.Platform.ArrivalOrder();
        var position = order.ToList().IndexOf(alertSeq);
        output.WriteLine($"alert seq {alertSeq} arrived as message #{position + 1}");
        Assert.InRange(position, 0, 200);
        Assert.Equal(10_001, bed.Platform.DistinctEvents);
    }

    [Fact]
    public async Task Broker_killed_and_restarted_mid_stream_loses_nothing()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker);

        long last = 0;
        for (var round = 0; round < 3; round++)
        {
            var before = last;
            last = (await bed.JournalAsync(2000))[^1];
            await Eventually.UntilAsync(() => bed.Platform.Ack > before, DeliveryLimit, "the platform to acknowledge part of the new events");
            broker.Kill();
            last = (await bed.JournalAsync(1000))[^1];
            await Quiet.ForAsync(TimeSpan.FromMilliseconds(500), "an outage of the broker");
            await broker.RestartAsync();
        }
        await bed.Platform.WaitForAckAsync(last, DeliveryLimit);

        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), bed.Platform.Events().Select(e => e.Seq));
        output.WriteLine($"{last} events, duplicates {bed.Platform.Duplicates}, rewinds {bed.Session.Counters.Rewinds}, out-of-order {bed.Platform.OutOfOrderArrivals}");
    }

    [Fact]
    public async Task Delivers_over_tls_with_the_brokers_ca()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        await using var bed = await UplinkTestBed.StartAsync(broker, tls: true);

        var seqs = await bed.JournalAsync(1000, everyNthAlert: 10);
        await bed.Platform.WaitForAckAsync(seqs[^1], DeliveryLimit);

        Assert.Equal(seqs, bed.Platform.Events().Select(e => e.Seq));
    }

    [Fact]
    public async Task Events_aged_out_while_offline_are_reported_and_the_ack_moves_past_them()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker, journalCap: 2000, connectGateway: false);
        // Offline far beyond the cap: the oldest routine events make room, alerts stay.
        await bed.JournalAsync(5000, everyNthAlert: 100);
        var lastSeq = (await bed.Database.Journal.GetStatusAsync()).LastSeq;
        var alerts = await bed.Database.Journal.ReadFromAsync(0, 10_000, JournalLane.Alert);

        await bed.StartUplinkAsync();
        await bed.Platform.WaitForAckAsync(lastSeq, DeliveryLimit);

        var received = bed.Platform.Events();
        var losses = received.Where(e => e.Type == EventJournal.EventsDroppedType)
            .Select(e => JsonSerializer.Deserialize<EventsDroppedPayload>(e.DataJson!, JsonSerializerOptions.Web)!)
            .ToList();
        output.WriteLine($"{lastSeq} seqs, {received.Count} received, {losses.Count} loss reports for {losses.Sum(l => l.Count)} events");
        Assert.NotEmpty(losses);
        Assert.Equal(50, received.Count(e => e.Type == "watchlist_match"));
        Assert.Equal(alerts.Select(a => a.Seq), received.Where(e => e.Lane == "alert").Select(e => e.Seq));
        var seen = received.Select(e => e.Seq).ToHashSet();
        var missing = Enumerable.Range(1, (int)lastSeq).Select(i => (long)i).Where(seq => !seen.Contains(seq)).ToList();
        Assert.All(missing, seq => Assert.Contains(losses, loss => loss.FirstSeq <= seq && seq <= loss.LastSeq));
        Assert.Equal(losses.Sum(loss => loss.Count), missing.Count);
    }

    [Fact]
    public async Task Full_storage_is_reported_in_the_state_without_waiting_for_the_state_interval()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var bed = await UplinkTestBed.StartAsync(broker, maximumDatabaseBytes: 512 * 1024);
        await WaitUntilAsync(() => Task.FromResult(bed.Platform.LastState?.Contains("\"refusedWrites\":0", StringComparison.Ordinal) == true), "the first state message");

        // Rows the uplink never removes, so delivering and compacting the journal cannot make room.
        var refusals = 0;
        foreach (var size in new[] { 16 * 1024, 1024, 64 })
        {
            for (var i = 0; i < 1000; i++)
            {
                try
                {
                    await bed.Database.SyncCursors.SetAsync($"filler-{size}-{i}", new string('x', size));
                }
                catch (StorageFullException)
                {
                    refusals++;
                    break;
                }
            }
        }
        Assert.Equal(3, refusals);

        JsonElement storage = default;
        await WaitUntilAsync(() =>
        {
            using var state = JsonDocument.Parse(bed.Platform.LastState!);
            storage = state.RootElement.GetProperty("storage").Clone();
            return Task.FromResult(storage.GetProperty("refusedWrites").GetInt64() >= 1);
        }, "a state message with the refused writes, well before the 60 s state interval");
        output.WriteLine(bed.Platform.LastState);
        Assert.Equal(JsonValueKind.String, storage.GetProperty("lastRefusedAt").ValueKind);
        Assert.True(bed.GatewayClient.IsConnected);
    }

    [Fact]
    public async Task The_state_follows_a_burst_until_the_backlog_drains_not_only_every_state_interval()
    {
        using var broker = await MosquittoBroker.StartAsync();
        // The regular state comes every 60 s (the default): anything sooner follows the backlog.
        await using var bed = await UplinkTestBed.StartAsync(broker);
        await WaitUntilAsync(() => Task.FromResult(bed.Platform.LastState is not null), "the state published on connecting");

        var seqs = await bed.JournalAsync(3000);
        await bed.Platform.WaitForAckAsync(seqs[^1], DeliveryLimit);
        var acknowledgedAt = System.Diagnostics.Stopwatch.StartNew();

        await WaitUntilAsync(() => Task.FromResult(Journal(bed.Platform.LastState) is { LastSeq: var last, Unacked: 0 } && last == seqs[^1]),
            $"a state with lastSeq {seqs[^1]} and no backlog, well before the 60 s state interval", TimeSpan.FromSeconds(10));
        output.WriteLine($"state with the drained backlog {acknowledgedAt.ElapsedMilliseconds} ms after the platform's ack: {bed.Platform.LastState}");
        Assert.InRange(acknowledgedAt.Elapsed, TimeSpan.Zero, UplinkSession.BacklogReportInterval + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_state_reports_a_growing_backlog_at_each_doubling()
    {
        using var broker = await MosquittoBroker.StartAsync();
        // A platform that stores but never acknowledges: the backlog only grows.
        await using var bed = await UplinkTestBed.StartAsync(broker, platformOptions: new PlatformSimulatorOptions { AckInterval = TimeSpan.FromHours(1) });
        await WaitUntilAsync(() => Task.FromResult(bed.Platform.LastState is not null), "the state published on connecting");
        Assert.Equal(0, Journal(bed.Platform.LastState)!.Value.Unacked);

        var first = await bed.JournalAsync(150);
        await WaitUntilAsync(() => Task.FromResult(Journal(bed.Platform.LastState)?.Unacked == 150), "a state with the backlog of 150", TimeSpan.FromSeconds(10));
        var second = await bed.JournalAsync(300);
        await WaitUntilAsync(() => Task.FromResult(Journal(bed.Platform.LastState)?.Unacked == 450), "a state with the backlog of 450 (above twice 150)", TimeSpan.FromSeconds(10));

        var shown = Journal(bed.Platform.LastState)!.Value;
        Assert.Equal(second[^1], shown.LastSeq);
        Assert.Equal(first[0] - 1, shown.AckedSeq);
        output.WriteLine(bed.Platform.LastState);
    }

    private static (long LastSeq, long AckedSeq, long Unacked)? Journal(string? state)
    {
        if (state is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(state);
        var journal = document.RootElement.GetProperty("journal");
        return (journal.GetProperty("lastSeq").GetInt64(), journal.GetProperty("ackedSeq").GetInt64(), journal.GetProperty("unacked").GetInt64());
    }

    internal static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
        => Eventually.UntilAsync(condition, timeout ?? TimeSpan.FromSeconds(15), what);
}
