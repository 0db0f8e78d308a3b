using EdgeGate.Evaluation;
using EdgeGate.TestSupport;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

/// <summary>
/// One face pipeline (the real models, loaded once) for every test in the collection, and the
/// evaluation of ../shared/face-data, run once on first use.
/// </summary>
public sealed class FacePipelineFixture : IDisposable
{
    // With the colour texture, which the attack evaluation reports whether or not the gate measures it.
    private readonly Lazy<FacePipeline> pipeline = new(() => FacePipeline.Load(options: new FacePipelineOptions { ComputeColourTexture = true }));
    private readonly Lazy<FaceEvaluationReport> faceData;

    public FacePipelineFixture()
    {
        faceData = new Lazy<FaceEvaluationReport>(() =>
        {
            var root = RepositoryPaths.FaceData;
            var photos = LabelledPhotoSet.Load(Path.Combine(root, "labels.csv"), root);
            // Each photo is analysed twice: as enrolment counts its faces (inside a border) and as the gate camera sees it.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
            return FaceEvaluation.Run(Pipeline, photos, cancellationToken: timeout.Token);
        });
    }

    public FacePipeline Pipeline => pipeline.Value;

    /// <summary>The evaluation of every photo of ../shared/face-data (about 100 photos).</summary>
    public FaceEvaluationReport FaceData => faceData.Value;

    public static string SamplePath(int number) => Path.Combine(RepositoryPaths.Root, ".deps", "samples", $"sample{number}.jpg");

    public void Dispose()
    {
        if (pipeline.IsValueCreated)
        {
            pipeline.Value.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FacePipelineCollection : ICollectionFixture<FacePipelineFixture>
{
    public const string Name = "Face pipeline";
}

/// <summary>A fact that is skipped, with the reason, when ../shared/face-data is absent.</summary>
public sealed class FaceDataFactAttribute : FactAttribute
{
    public FaceDataFactAttribute()
    {
        if (RepositoryPaths.FaceDataOrNull is null)
        {
            Skip = "face data not found: these tests need ../shared/face-data (labels.csv and photos) beside the repository";
        }
    }
}
