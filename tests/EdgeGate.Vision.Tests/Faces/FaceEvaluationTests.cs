using EdgeGate.Evaluation;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class FaceEvaluationTests
{
    private static readonly string[] Labels =
    [
        "path,label,dup_of,multi_face,sha1",
        "a/ann1.jpg,ann,,0,x",
        "a/ann2.jpg,ann,,0,x",
        "b/ann1.jpg,ann,,0,x",
        "a/ann1-small.jpg,ann,ann1.jpg,0,x",
        "b/bob1.jpg,bob,,0,x",
        "b/bob2.jpg,bob,,0,x",
        "\"g/group, two.jpg\",,,1,x",
        "",
    ];

    [Fact]
    public void Labels_file_is_read_by_header_and_re_encodings_find_their_original_in_the_same_folder()
    {
        var set = LabelledPhotoSet.Parse(Labels, "/data");

        Assert.Equal(7, set.Photos.Count);
        Assert.Equal("/data/a/ann1.jpg", set.Photos[0].FullPath);
        var group = set.Photos[^1];
        Assert.Equal("g/group, two.jpg", group.Path);
        Assert.True(group.MultiFace);
        Assert.False(group.IsLabelled);
        var duplicate = set.Photos[3];
        Assert.True(duplicate.IsDuplicate);
        Assert.Equal("a/ann1.jpg", set.FindOriginal(duplicate)!.Path);
        Assert.Null(set.FindOriginal(set.Photos[0]));
    }

    [Fact]
    public void Labels_file_without_a_required_column_or_with_a_bad_flag_is_rejected()
    {
        var missing = Assert.Throws<InvalidDataException>(() => LabelledPhotoSet.Parse(["path,label,multi_face"], "/data", "labels.csv"));
        Assert.Contains("dup_of", missing.Message);
        var flag = Assert.Throws<InvalidDataException>(() => LabelledPhotoSet.Parse(["path,label,dup_of,multi_face", "x.jpg,a,,yes"], "/data", "labels.csv"));
        Assert.Contains("line 2", flag.Message);
    }

    [Fact]
    public void Summary_counts_faces_pairs_duplicates_and_liveness()
    {
        var set = LabelledPhotoSet.Parse(Labels, "/data");
        float[] Unit(float x, float y) => [x / MathF.Sqrt((x * x) + (y * y)), y / MathF.Sqrt((x * x) + (y * y))];
        PhotoOutcome Outcome(int index, int faces, float[]? embedding, float? real) =>
            new(set.Photos[index], faces, null, embedding, real, embedding is null ? null : new FaceQuality(100, 100, 0));
        PhotoOutcome[] outcomes =
        [
            Outcome(0, 1, Unit(1, 0), 0.9f),
            Outcome(1, 1, Unit(1, 0.1f), 0.8f),
            Outcome(2, 2, Unit(1, 0.2f), 0.2f),
            Outcome(3, 1, Unit(1, 0.05f), 0.7f),
            Outcome(4, 0, null, null),
            Outcome(5, 1, Unit(0, 1), 0.6f),
            Outcome(6, 3, Unit(0.5f, 0.5f), 0.5f),
        ];

        var report = FaceEvaluation.Summarise(set, outcomes, "model-x");

        Assert.Equal(7, report.ImagesRead);
        Assert.Equal(6, report.LabelledPhotos);
        Assert.Equal(1, report.FacesMissing);
        Assert.Equal(["b/ann1.jpg", "b/bob1.jpg"], report.LabelledWithoutExactlyOneFace.Select(photo => photo.Photo.Path));
        Assert.Equal(3, Assert.Single(report.GroupPhotos).FacesFound);
        // Four non-duplicate labelled photos with embeddings: ann×3, bob×1 → 3 same, 3 different.
        Assert.Equal(3, report.PairsSame);
        Assert.Equal(3, report.PairsDifferent);
        Assert.Equal(1.0, report.Verification!.AreaUnderCurve);
        var duplicate = Assert.Single(report.Duplicates);
        Assert.Equal("a/ann1.jpg", duplicate.OriginalPath);
        Assert.True(duplicate.Cosine > 0.99f);
        Assert.Equal(3, report.RankOne.Total);
        Assert.Equal(3, report.RankOne.Correct);
        Assert.Equal(4.0 / 5.0, report.LivenessRealFraction, 9);
        Assert.Equal("model-x", report.EmbeddingModelId);
    }
}
