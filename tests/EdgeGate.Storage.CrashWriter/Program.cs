using EdgeGate.Core.Persons;
using EdgeGate.Storage;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Persons;
using EdgeGate.Storage.Privacy;

// Usage: EdgeGate.Storage.CrashWriter <enrol|journal> <database path> <credentials directory> <count>
//   enrol:   enrols <count> persons (one 512-float template each, deterministic from the index), each in
//            its own durable transaction, and prints "OK <person id>" only after the commit returned.
//   journal: appends <count> journal events one by one and prints "OK <seq>" after each commit.
if (args.Length != 4 || args[0] is not ("enrol" or "journal") || !int.TryParse(args[3], out var count))
{
    await Console.Error.WriteLineAsync("usage: EdgeGate.Storage.CrashWriter <enrol|journal> <database path> <credentials directory> <count>");
    return 2;
}

using var key = TemplateKeyStore.LoadOrCreate(args[2]);
await using var database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = args[1] }, key);
var output = Console.Out;
await output.WriteLineAsync("READY");
await output.FlushAsync();
for (var index = 0; index < count; index++)
{
    string recorded;
    if (args[0] == "enrol")
    {
        var personId = $"crash-{index:D5}";
        var person = new Person { Id = personId, DisplayName = $"Resident {index}", Unit = $"U{index % 97}", ConsentAt = DateTimeOffset.UtcNow, ConsentRecordedBy = "crash test" };
        var template = new FaceTemplate
        {
            PersonId = personId,
            ModelId = "crash-model",
            Embedding = CrashEmbedding.For(index),
            Quality = 0.9f,
        };
        var result = await database.Persons.EnrolAsync(person, [template]);
        if (result.Status != PersonWriteStatus.Applied)
        {
            await Console.Error.WriteLineAsync($"enrolment of {personId} answered {result.Status}");
            return 1;
        }
        recorded = personId;
    }
    else
    {
        var lane = index % 10 == 0 ? JournalLane.Alert : JournalLane.Event;
        var seq = await database.Journal.AppendAsync(
            new JournalDraft(lane, "crash_event", DateTimeOffset.UtcNow, $$"""{"index":{{index}}}"""));
        recorded = seq.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
    await output.WriteLineAsync($"OK {recorded}");
    await output.FlushAsync();
}
await output.WriteLineAsync("DONE");
await output.FlushAsync();
return 0;

/// <summary>The embedding the crash test expects for enrolment number <c>index</c>.</summary>
internal static class CrashEmbedding
{
    public static float[] For(int index)
    {
        var random = new Random(index);
        var embedding = new float[512];
        for (var position = 0; position < embedding.Length; position++)
        {
            embedding[position] = (float)(random.NextDouble() * 2 - 1);
        }
        return embedding;
    }
}
