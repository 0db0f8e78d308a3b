using EdgeGate.Core.Persons;

namespace EdgeGate.Storage.Tests;

internal static class Samples
{
    public const string Model = "fr_feature@1";

    public static Person Person(string id, string name = "Amina Haddad", string? unit = "B-204") => new()
    {
        Id = id,
        DisplayName = name,
        Unit = unit,
        Category = PersonCategory.Resident,
        ValidFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        ValidUntil = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        ConsentAt = new DateTimeOffset(2026, 1, 2, 9, 30, 0, TimeSpan.Zero),
        ConsentRecordedBy = "office clerk",
    };

    /// <summary>A unit-length 512-float embedding, different for each seed.</summary>
    public static float[] Embedding(int seed, int dimensions = 512)
    {
        var random = new Random(seed);
        var embedding = new float[dimensions];
        var sum = 0.0;
        for (var index = 0; index < dimensions; index++)
        {
            embedding[index] = (float)(random.NextDouble() * 2 - 1);
            sum += embedding[index] * embedding[index];
        }
        var norm = (float)Math.Sqrt(sum);
        for (var index = 0; index < dimensions; index++)
        {
            embedding[index] /= norm;
        }
        return embedding;
    }

    public static FaceTemplate Template(string personId, int seed, string? photoSha256 = null, string model = Model) => new()
    {
        PersonId = personId,
        ModelId = model,
        Embedding = Embedding(seed),
        Quality = 0.87f,
        SourcePhotoSha256 = photoSha256,
    };
}
