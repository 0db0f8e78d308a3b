using EdgeGate.Evaluation;
using EdgeGate.TestSupport;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Gateway.Tests.Enrolment;

/// <summary>The real face pipeline, loaded once for the enrolment tests (they run one at a time: they measure time).</summary>
public sealed class FacePipelineFixture : IDisposable
{
    private readonly Lazy<FacePipeline> pipeline = new(() => FacePipeline.Load());

    public FacePipeline Pipeline => pipeline.Value;

    /// <summary>The labelled photos of ../shared/face-data (null when absent).</summary>
    public static LabelledPhotoSet? FaceData =>
        RepositoryPaths.FaceDataOrNull is { } root ? LabelledPhotoSet.Load(Path.Combine(root, "labels.csv"), root) : null;

    public void Dispose()
    {
        if (pipeline.IsValueCreated)
        {
            pipeline.Value.Dispose();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnrolmentCollection : ICollectionFixture<FacePipelineFixture>
{
    public const string Name = "Enrolment";
}

/// <summary>A fact skipped, with the reason, when ../shared/face-data is absent.</summary>
public sealed class FaceDataFactAttribute : FactAttribute
{
    public FaceDataFactAttribute()
    {
        if (RepositoryPaths.FaceDataOrNull is null)
        {
            Skip = "../shared/face-data is absent: the enrolment and gallery tests need the labelled face photos";
        }
    }
}

/// <summary>Persons of the tests with recorded consent to face recognition (needed for any face data).</summary>
internal static class TestConsent
{
    public static readonly DateTimeOffset At = new(2026, 1, 2, 9, 30, 0, TimeSpan.Zero);

    public static Core.Persons.Person Consented(this Core.Persons.Person person) =>
        person with { ConsentAt = At, ConsentRecordedBy = "test office" };
}
