using EdgeGate.Gallery;

namespace EdgeGate.Vision.Tests.Gallery;

internal static class GalleryAssertions
{
    /// <summary>Asserts the gallery's best and second-best persons and similarities equal the reference's.</summary>
    public static void SameAsBruteForce(BruteForceGallery reference, GallerySearchResult actual, float[] query, double tolerance = 1e-5)
    {
        var ranking = reference.Rank(query);
        if (ranking.Count == 0)
        {
            Assert.Null(actual.BestPersonId);
            return;
        }

        // Near-ties may legitimately swap order between float and double arithmetic.
        if (ranking.Count > 1 && ranking[0].Similarity - ranking[1].Similarity < tolerance)
        {
            Assert.Contains(actual.BestPersonId, new[] { ranking[0].Person, ranking[1].Person });
        }
        else
        {
            Assert.Equal(ranking[0].Person, actual.BestPersonId);
        }

        Assert.InRange(actual.BestSimilarity, ranking[0].Similarity - tolerance, ranking[0].Similarity + tolerance);
        if (ranking.Count == 1)
        {
            Assert.Null(actual.SecondPersonId);
            Assert.Equal(-1f, actual.SecondSimilarity);
            return;
        }

        Assert.InRange(actual.SecondSimilarity, ranking[1].Similarity - tolerance, ranking[1].Similarity + tolerance);
        var tiedAtSecond = ranking.Count > 2 && ranking[1].Similarity - ranking[2].Similarity < tolerance;
        if (!tiedAtSecond && ranking[0].Similarity - ranking[1].Similarity >= tolerance)
        {
            Assert.Equal(ranking[1].Person, actual.SecondPersonId);
        }

        Assert.NotEqual(actual.BestPersonId, actual.SecondPersonId);
    }
}
