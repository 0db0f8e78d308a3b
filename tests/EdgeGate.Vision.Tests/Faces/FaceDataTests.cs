using EdgeGate.Vision.Faces;
using Xunit.Abstractions;

namespace EdgeGate.Vision.Tests.Faces;

/// <summary>
/// Accuracy on ../shared/face-data (about 100 labelled photos, 31 identities): detection, pair
/// separation, re-encodings and liveness. The photos are analysed once for the whole class.
/// </summary>
[Collection(FacePipelineCollection.Name)]
public sealed class FaceDataTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    [FaceDataFact]
    public void Every_labelled_photo_gives_exactly_one_face()
    {
        var report = fixture.FaceData;

        Assert.Equal(0, report.ImagesFailed);
        Assert.True(report.LabelledPhotos >= 80, $"{report.LabelledPhotos} labelled photos");
        Assert.Empty(report.LabelledWithoutExactlyOneFace.Select(photo => $"{photo.Photo.Path}: {photo.FacesFound} faces"));
    }

    [FaceDataFact]
    public void Default_quality_gate_accepts_the_labelled_faces()
    {
        var gate = new FaceQualityGate();
        var rejected = fixture.FaceData.Photos
            .Where(photo => photo.Photo.IsLabelled && photo.Quality is not null && gate.Check(photo.Quality.Value) != FaceQualityVerdict.Accepted)
            .Select(photo => $"{photo.Photo.Path}: {gate.Check(photo.Quality!.Value)} {photo.Quality}")
            .ToList();

        Assert.Empty(rejected);
    }

    [FaceDataFact]
    public void Group_photos_give_at_least_two_faces()
    {
        var groups = fixture.FaceData.GroupPhotos;

        Assert.NotEmpty(groups);
        Assert.All(groups, photo => Assert.True(photo.FacesFound >= 2, $"{photo.Photo.Path}: {photo.FacesFound} faces"));
    }

    [FaceDataFact]
    public void Same_and_different_pairs_separate()
    {
        var report = fixture.FaceData;
        var verification = report.Verification!;
        output.WriteLine(
            $"pairs same {report.PairsSame} different {report.PairsDifferent}; AUC {verification.AreaUnderCurve:F6}; EER {verification.EqualErrorRate:F4}; " +
            $"TAR@FAR1e-3 {verification.AtFalseAcceptRate1E3.TrueAcceptRate:F4} at {verification.AtFalseAcceptRate1E3.Threshold:F3}; " +
            $"same min {verification.Same.Minimum:F3}, different max {verification.Different.Maximum:F3}; rank-1 {report.RankOne.Correct}/{report.RankOne.Total}");

        Assert.True(report.PairsSame >= 100 && report.PairsDifferent >= 1000);
        Assert.True(verification.AtFalseAcceptRate1E3.TrueAcceptRate >= 0.99, $"TAR at FAR 1e-3 = {verification.AtFalseAcceptRate1E3.TrueAcceptRate}");
        Assert.True(verification.AreaUnderCurve >= 0.999, $"AUC = {verification.AreaUnderCurve}");
        Assert.True(report.RankOne.Rate >= 0.95, $"rank-1 = {report.RankOne.Rate}");
    }

    [FaceDataFact]
    public void Re_encodings_score_close_to_their_original()
    {
        var report = fixture.FaceData;
        var cutByFrame = report.Photos.Where(photo => photo.FaceCutByFrame).Select(photo => photo.Photo.Path).ToHashSet();
        foreach (var duplicate in report.Duplicates)
        {
            output.WriteLine($"{duplicate.Cosine:F3} {duplicate.Path} vs {duplicate.OriginalPath}{(cutByFrame.Contains(duplicate.Path) ? " (face cut by the frame edge)" : string.Empty)}");
        }

        Assert.True(report.Duplicates.Count >= 8, $"{report.Duplicates.Count} re-encodings");
        Assert.True(cutByFrame.Count >= 2, $"{cutByFrame.Count} photos with the face cut by the frame edge");
        Assert.All(report.Duplicates, duplicate => Assert.True(duplicate.Cosine >= 0.9f, $"{duplicate.Path}: cosine {duplicate.Cosine}"));
    }

    [FaceDataFact]
    public void Liveness_calls_most_labelled_photos_real()
    {
        var report = fixture.FaceData;
        output.WriteLine($"P(real) mean {report.Liveness.Mean:F3}, min {report.Liveness.Minimum:F3}; real fraction {report.LivenessRealFraction:F3} of {report.Liveness.Count}");

        Assert.Equal(report.LabelledPhotos, report.Liveness.Count);
        Assert.True(report.LivenessRealFraction >= 0.85, $"P(real) >= 0.5 on {report.LivenessRealFraction:P1}");
    }
}
