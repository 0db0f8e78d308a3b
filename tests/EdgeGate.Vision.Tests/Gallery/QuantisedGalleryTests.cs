using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Gallery;

namespace EdgeGate.Vision.Tests.Gallery;

public sealed class QuantisedGalleryTests
{
    [Fact]
    public void Int8_dot_products_are_exact_on_every_code_path()
    {
        var random = new Random(30);
        foreach (var length in new[] { 32, 512, 96, 64 })
        {
            for (var trial = 0; trial < 200; trial++)
            {
                var row = new sbyte[length];
                var query = new short[length];
                var expected = 0;
                for (var i = 0; i < length; i++)
                {
                    row[i] = (sbyte)random.Next(-127, 128);
                    query[i] = (short)random.Next(-127, 128);
                    expected += row[i] * query[i];
                }

                var values = query.Select(value => (sbyte)value).ToArray();
                Assert.Equal(expected, EmbeddingKernels.DotInt8(row, QuantisedQuery.FromValues(values, 1f)));
                Assert.Equal(expected, EmbeddingKernels.DotInt8Portable(row, query));
            }
        }
    }

    [Fact]
    public void Quantisation_maps_the_largest_magnitude_to_127_and_rounds_the_rest()
    {
        var data = new SyntheticEmbeddings(512, seed: 31);
        var vector = data.NextUnit();
        var quantised = new sbyte[512];
        var inverseScale = EmbeddingKernels.Quantise(vector, quantised);
        Assert.Equal(127, quantised.Max(value => Math.Abs((int)value)));
        for (var i = 0; i < vector.Length; i++)
        {
            Assert.InRange(quantised[i] * inverseScale - vector[i], -0.5001f * inverseScale, 0.5001f * inverseScale);
        }
    }

    [Fact]
    public void Int8_top_one_agrees_with_float_on_well_separated_people()
    {
        var data = new SyntheticEmbeddings(512, seed: 32);
        using var exact = new FaceGallery(new FaceGalleryOptions { MaximumRowsPerChunk = 1024 });
        using var quantised = new FaceGallery(new FaceGalleryOptions { MaximumRowsPerChunk = 1024, Precision = GalleryPrecision.Int8 });
        var centres = new float[1500][];
        long id = 0;
        for (var p = 0; p < centres.Length; p++)
        {
            centres[p] = data.NextUnit();
            for (var t = 0; t < 2; t++)
            {
                var template = data.NextNear(centres[p], 0.6f);
                exact.AddTemplate(id, $"p{p}", template);
                quantised.AddTemplate(id++, $"p{p}", template);
            }
        }

        var largestError = 0f;
        for (var q = 0; q < 300; q++)
        {
            var p = data.NextInt(centres.Length);
            var probe = data.NextNear(centres[p], 0.6f);
            var expected = exact.Search(probe);
            var actual = quantised.Search(probe);
            Assert.Equal($"p{p}", expected.BestPersonId);
            Assert.Equal(expected.BestPersonId, actual.BestPersonId);
            largestError = Math.Max(largestError, Math.Abs(expected.BestSimilarity - actual.BestSimilarity));
            largestError = Math.Max(largestError, Math.Abs(expected.SecondSimilarity - actual.SecondSimilarity));
        }

        // Per-vector scales keep the cosine error far below any useful threshold step.
        Assert.InRange(largestError, 0f, 0.01f);
    }
}
