using System.Diagnostics;
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
}
