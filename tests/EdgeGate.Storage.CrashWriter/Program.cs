using EdgeGate.Core.Persons;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;

// Usage: EdgeGate.Storage.CrashWriter <database path> <credentials directory> <count>
// Enrols <count> persons (one 512-float template each, deterministic from the index), each in its own
// durable transaction, and prints "OK <person id>" only after the commit returned.
if (args.Length != 3 || !int.TryParse(args[2], out var count))
{
    await Console.Error.WriteLineAsync("usage: EdgeGate.Storage.CrashWriter <database path> <credentials directory> <count>");
    return 2;
}

using var key = TemplateKeyStore.LoadOrCreate(args[1]);
await using var database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = args[0] }, key);
var output = Console.Out;
await output.WriteLineAsync("READY");
await output.FlushAsync();
for (var index = 0; index < count; index++)
{
    var personId = $"crash-{index:D5}";
    var person = new Person { Id = personId, DisplayName = $"Resident {index}", Unit = $"U{index % 97}" };
    var template = new FaceTemplate
    {
        PersonId = personId,
        ModelId = "crash-model",
        Embedding = CrashEmbedding.For(index),
        Quality = 0.9f,
        SourcePhotoSha256 = null,
    };
    var result = await database.Persons.EnrolAsync(person, [template]);
    if (result.Status != EdgeGate.Storage.Persons.PersonWriteStatus.Applied)
    {
        await Console.Error.WriteLineAsync($"enrolment of {personId} answered {result.Status}");
        return 1;
    }
    await output.WriteLineAsync($"OK {personId}");
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
