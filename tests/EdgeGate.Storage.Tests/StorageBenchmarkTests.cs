using System.Diagnostics;
using System.Text.Json;
using EdgeGate.Storage.Journal;
using Xunit.Abstractions;

namespace EdgeGate.Storage.Tests;

/// <summary>
/// Small timings for the record (printed to the test output; run with
/// <c>--logger "console;verbosity=detailed"</c>). They assert the work was done, not a speed.
/// </summary>
public sealed class StorageBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Enrolment_and_journal_append_timings()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        const int Enrolments = 200;
        const int SingleAppends = 300;
        const int Batches = 50;
        const int BatchSize = 100;

        // warm-up (JIT, first pages)
        await test.Db.Persons.EnrolAsync(Samples.Person("warm"), [Samples.Template("warm", 0)]);
        await test.Db.Journal.AppendAsync(new JournalDraft(JournalLane.Event, "warm", test.Time.GetUtcNow(), "{}"));

        var enrolTimes = new double[Enrolments];
        for (var index = 0; index < Enrolments; index++)
        {
            var personId = $"bench-{index}";
            var watch = Stopwatch.StartNew();
            await test.Db.Persons.EnrolAsync(Samples.Person(personId), [Samples.Template(personId, index)]);
            enrolTimes[index] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(enrolTimes);

        var draft = new JournalDraft(JournalLane.Event, "door_opened", test.Time.GetUtcNow(), """{"door":"main","person":"p-1","reason":"GRANTED_FACE"}""");
        var single = Stopwatch.StartNew();
        for (var index = 0; index < SingleAppends; index++)
        {
            await test.Db.Journal.AppendAsync(draft);
        }
        single.Stop();

        var batch = Enumerable.Repeat(draft, BatchSize).ToList();
        var batched = Stopwatch.StartNew();
        for (var index = 0; index < Batches; index++)
        {
            await test.Db.Journal.AppendBatchAsync(batch);
        }
        batched.Stop();

        output.WriteLine($"enrolment (1 template, AES-GCM + commit, synchronous=FULL): p50 {enrolTimes[Enrolments / 2]:F2} ms, " +
            $"p95 {enrolTimes[Enrolments * 95 / 100]:F2} ms, max {enrolTimes[^1]:F2} ms over {Enrolments}");
        output.WriteLine($"journal append, one per commit: {SingleAppends / single.Elapsed.TotalSeconds:F0} events/s " +
            $"({single.Elapsed.TotalMilliseconds / SingleAppends:F2} ms each)");
        output.WriteLine($"journal append, {BatchSize} per commit: {Batches * BatchSize / batched.Elapsed.TotalSeconds:F0} events/s " +
            $"({batched.Elapsed.TotalMilliseconds / Batches:F2} ms per batch)");

        Assert.Equal(Enrolments + 1, (await test.Db.Templates.LoadGalleryAsync(Samples.Model)).Entries.Count);
        Assert.Equal(1 + SingleAppends + Batches * BatchSize, (await test.Db.Journal.GetStatusAsync()).Rows);
    }

    [Fact]
    public async Task History_append_prune_and_query_timings()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        const int Rows = 20_000;
        const int BatchSize = 500;
        const int SingleAppends = 200;
        var start = test.Time.GetUtcNow();
        // A face decision as the decision stage writes it, with its liveness evidence (about 560 bytes).
        JournalDraft Decision(int index) => new(JournalLane.Event, "access_decision", start.AddSeconds(index * 13), JsonSerializer.Serialize(new
        {
            schema = 1,
            attemptId = Guid.NewGuid(),
            door = (index % 3) switch { 0 => "north-gate", 1 => "lobby", _ => "garage" },
            source = "recognition",
            credential = "face",
            outcome = "granted",
            reason = index % 10 == 0 ? "DENIED_UNKNOWN" : "GRANTED_FACE",
            message = $"Welcome, Resident {index % 400}.",
            personId = $"p-{index % 400}",
            trackId = index,
            camera = "north-cam",
            similarity = 0.6123,
            liveness = 0.9871,
            livenessPassed = true,
            presentation = new
            {
                verdict = "live", livenessModel = 0.9871, check = 0.9, framesPassed = 4, frames = 5, motion = "parallax", motionParallaxShare = 0.42,
                blink = false, blinkRequired = false, infrared = "not_configured", infraredConfirmed = 0, infraredMissing = 0,
            },
        }));

        await test.Db.Journal.AppendAsync(Decision(0));
        var singleTimes = new double[SingleAppends];
        for (var index = 0; index < SingleAppends; index++)
        {
            var watch = Stopwatch.StartNew();
            await test.Db.Journal.AppendAsync(Decision(index + 1));
            singleTimes[index] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(singleTimes);
        var appended = 1 + SingleAppends;
        var batched = Stopwatch.StartNew();
        while (appended < Rows)
        {
            var count = Math.Min(BatchSize, Rows - appended);
            await test.Db.Journal.AppendBatchAsync(Enumerable.Range(appended, count).Select(Decision).ToArray());
            appended += count;
        }
        batched.Stop();
        // Closing folds the WAL into the file.
        test.Close();
        var bytesPerRow = (double)new FileInfo(test.DatabasePath).Length / Rows;
        test.Open();

        var queries = new (string Name, HistoryQuery Query)[]
        {
            ("newest 100", new HistoryQuery()),
            ("one person, newest 100", new HistoryQuery { PersonId = "p-7" }),
            ("one door, newest 100", new HistoryQuery { Door = "lobby" }),
            ("one reason, newest 100", new HistoryQuery { Reason = "DENIED_UNKNOWN" }),
            ("one day, newest 100", new HistoryQuery { From = start.AddDays(1), To = start.AddDays(2) }),
            ("person + door over 3 days", new HistoryQuery { PersonId = "p-8", Door = "garage", From = start, To = start.AddDays(3), Limit = 1000 }),
        };
        foreach (var (name, query) in queries)
        {
            await test.Db.Journal.QueryHistoryAsync(query);
            var watch = Stopwatch.StartNew();
            var page = await test.Db.Journal.QueryHistoryAsync(query);
            output.WriteLine($"history query {name}: {watch.Elapsed.TotalMilliseconds:F1} ms, {page.Entries.Count} rows");
            Assert.NotEmpty(page.Entries);
        }

        // Prune all of it by the cap while door events keep arriving: how long does one wait for the writer?
        await test.Db.Journal.AcknowledgeAsync(Rows);
        var pruning = Stopwatch.StartNew();
        var prune = test.Db.Journal.PruneHistoryAsync(new HistoryRetention(TimeSpan.FromDays(365), MaximumRows: 0));
        var waits = new List<double>();
        while (!prune.IsCompleted)
        {
            var watch = Stopwatch.StartNew();
            await test.Db.Journal.AppendAsync(Decision(Rows + waits.Count));
            waits.Add(watch.Elapsed.TotalMilliseconds);
        }
        var result = await prune;
        pruning.Stop();
        waits.Sort();

        output.WriteLine($"journal append of a face decision, one per commit (synchronous=FULL): p50 {singleTimes[SingleAppends / 2]:F2} ms, p95 {singleTimes[SingleAppends * 95 / 100]:F2} ms");
        output.WriteLine($"journal append, {BatchSize} per commit: {(Rows - 1 - SingleAppends) / batched.Elapsed.TotalSeconds:F0} events/s");
        output.WriteLine($"on disk: {bytesPerRow:F0} bytes per row over {Rows} rows (indexes included)");
        output.WriteLine($"prune of {result.RemovedByCap} acknowledged rows in batches of 200: {pruning.Elapsed.TotalMilliseconds:F0} ms = {result.RemovedByCap / pruning.Elapsed.TotalSeconds:F0} rows/s; " +
            (waits.Count == 0 ? "no door event appended meanwhile" : $"{waits.Count} door events appended meanwhile, each in p50 {waits[waits.Count / 2]:F2} ms, max {waits[^1]:F2} ms"));
        Assert.Equal(Rows, result.RemovedByCap);
        Assert.Equal(waits.Count, (await test.Db.Journal.GetStatusAsync()).UnackedRows);
    }
}
