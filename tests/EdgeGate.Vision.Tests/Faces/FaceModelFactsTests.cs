using EdgeGate.TestSupport;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class FaceModelFactsTests
{
    [Fact]
    public void Repository_manifest_holds_the_face_pipeline_facts()
    {
        var facts = FaceModelFacts.Load(Path.Combine(RepositoryPaths.Root, "models", "manifest.json"));

        Assert.Equal(0.65f, facts.DetectorPostprocessing.ScoreThreshold);
        Assert.Equal(750, facts.DetectorPostprocessing.MaximumCandidates);
        Assert.Equal(0.3f, facts.DetectorPostprocessing.NmsIouThreshold);
        Assert.Equal(0.6f, facts.DetectorPostprocessing.ContainmentThreshold);
        Assert.Equal([37, 38, 40, 41], facts.LandmarkLayout.EyeLeft);
        Assert.Equal([30], facts.LandmarkLayout.Nose);
        Assert.Equal(5, facts.AlignmentReference.Count);
        Assert.Equal(38.2946f, facts.AlignmentReference[0].X, 4);
        Assert.Equal(92.2041f, facts.AlignmentReference[4].Y, 4);
        Assert.Equal(2.7f, facts.LivenessCropScale);
        Assert.Equal(0, facts.LivenessRealClassIndex);
        Assert.Equal(2.4f, facts.MinimumFaceNorm);
        facts.LandmarkLayout.Validate(68);
    }

    [Fact]
    public void Missing_or_malformed_keys_are_named_in_the_error()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "models", "manifest.json"));

        var missing = Assert.Throws<InvalidDataException>(() => FaceModelFacts.Parse(text.Replace("\"alignmentReference\"", "\"alignment\""), "test"));
        Assert.Contains("alignmentReference", missing.Message);

        var malformed = Assert.Throws<InvalidDataException>(() => FaceModelFacts.Parse(text.Replace("\"scoreThreshold\": 0.65", "\"scoreThreshold\": \"high\""), "test"));
        Assert.Contains("test", malformed.Message);

        Assert.Throws<InvalidDataException>(() => FaceModelFacts.Parse("{ not json", "test"));
    }
}
