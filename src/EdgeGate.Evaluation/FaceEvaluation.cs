using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Faces.Calibration;

namespace EdgeGate.Evaluation;

/// <summary>
/// What the pipeline made of one photo. For a labelled photo the largest face is its subject;
/// <see cref="FaceCutByFrame"/> tells that the subject's detector box reaches beyond the frame.
/// </summary>
public sealed record PhotoOutcome(
    LabelledPhoto Photo,
    int FacesFound,
    string? Error,
    float[]? Embedding,
    float? ProbabilityReal,
    FaceQuality? Quality,
    bool FaceCutByFrame = false)
{
    public bool WasRead => Error is null;
}

/// <summary>Cosine of a re-encoding against its original.</summary>
public sealed record DuplicateScore(string Path, string OriginalPath, float Cosine);

/// <summary>Progress of an evaluation: photos done, total, the photo just analysed.</summary>
public readonly record struct EvaluationProgress(int Done, int Total, string Path);

/// <summary>Everything <c>edgegate eval</c> reports.</summary>
public sealed record FaceEvaluationReport(
    IReadOnlyList<PhotoOutcome> Photos,
    int ImagesRead,
    int ImagesFailed,
    int LabelledPhotos,
    int FacesMissing,
    IReadOnlyList<PhotoOutcome> LabelledWithoutExactlyOneFace,
    IReadOnlyList<PhotoOutcome> GroupPhotos,
    int PairsSame,
    int PairsDifferent,
    VerificationStatistics? Verification,
    RankOneResult RankOne,
    IReadOnlyList<DuplicateScore> Duplicates,
    ScoreSummary Liveness,
    double LivenessRealFraction,
    string EmbeddingModelId)
{
    /// <summary>The embeddings the pair figures come from: one per labelled, single-face, non-duplicate photo.</summary>
    public IReadOnlyList<LabelledEmbedding> Samples { get; init; } = [];
}

/// <summary>Runs the face pipeline over a labelled photo folder and computes accuracy figures.</summary>
public static class FaceEvaluation
{
    /// <summary>P(real) at or above this counts as real in <see cref="FaceEvaluationReport.LivenessRealFraction"/>.</summary>
    public const float LivenessRealThreshold = 0.5f;

    public static FaceEvaluationReport Run(
        FacePipeline pipeline,
        LabelledPhotoSet photos,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(photos);
        var outcomes = new List<PhotoOutcome>(photos.Photos.Count);
        var analysis = new FaceAnalysis();
        var enrolment = new EnrolmentPhotoCheck(pipeline, new FaceQualityGate());
        foreach (var photo in photos.Photos)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcomes.Add(Analyse(pipeline, enrolment, photo, analysis));
            progress?.Report(new EvaluationProgress(outcomes.Count, photos.Photos.Count, photo.Path));
        }
        return Summarise(photos, outcomes, pipeline.EmbeddingModelId);
    }

    /// <summary>Computes the report from per-photo outcomes (pure; the unit tests use it directly).</summary>
    public static FaceEvaluationReport Summarise(LabelledPhotoSet photos, IReadOnlyList<PhotoOutcome> outcomes, string embeddingModelId)
    {
        var labelled = outcomes.Where(outcome => outcome.Photo.IsLabelled && !outcome.Photo.MultiFace).ToList();
        var samples = labelled
            .Where(outcome => !outcome.Photo.IsDuplicate && outcome.Embedding is not null)
            .Select(outcome => new LabelledEmbedding(outcome.Photo.Label!, outcome.Embedding!, outcome.Photo.Path))
            .ToList();
        var pairs = PairScores.Build(samples);
        var verification = pairs.Same.Count > 0 && pairs.Different.Count > 0
            ? VerificationStatistics.Compute([.. pairs.Same], [.. pairs.Different])
            : null;

        var byPhoto = outcomes.ToDictionary(outcome => outcome.Photo);
        var duplicates = new List<DuplicateScore>();
        foreach (var outcome in labelled.Where(outcome => outcome.Photo.IsDuplicate && outcome.Embedding is not null))
        {
            var original = photos.FindOriginal(outcome.Photo);
            if (original is not null && byPhoto.TryGetValue(original, out var originalOutcome) && originalOutcome.Embedding is not null)
            {
                duplicates.Add(new DuplicateScore(outcome.Photo.Path, original.Path, FaceVectors.Cosine(outcome.Embedding, originalOutcome.Embedding)));
            }
        }

        var liveness = labelled.Where(outcome => outcome.ProbabilityReal is not null).Select(outcome => outcome.ProbabilityReal!.Value).ToList();
        return new FaceEvaluationReport(
            outcomes,
            outcomes.Count(outcome => outcome.WasRead),
            outcomes.Count(outcome => !outcome.WasRead),
            labelled.Count,
            labelled.Count(outcome => outcome.FacesFound == 0),
            labelled.Where(outcome => outcome.FacesFound != 1).ToList(),
            outcomes.Where(outcome => outcome.Photo.MultiFace).ToList(),
            pairs.Same.Count,
            pairs.Different.Count,
            verification,
            RankOneResult.LeaveOneOut(samples),
            duplicates,
            ScoreSummary.Of(liveness),
            liveness.Count == 0 ? double.NaN : (double)liveness.Count(value => value >= LivenessRealThreshold) / liveness.Count,
            embeddingModelId)
        {
            Samples = samples,
        };
    }

    /// <summary>
    /// Faces, embedding and quality as enrolment finds them (<see cref="EnrolmentPhotoCheck.Analyse"/>:
    /// the photo inside a plain border), so a folder of tight ID-style crops is judged as enrolment
    /// would take it; liveness and "cut by the frame" as the gate camera sees the photo (no border: the
    /// liveness model reads a border as a screen).
    /// </summary>
    private static PhotoOutcome Analyse(FacePipeline pipeline, EnrolmentPhotoCheck enrolment, LabelledPhoto photo, FaceAnalysis analysis)
    {
        BgrImage image;
        try
        {
            image = BgrImage.Load(photo.FullPath);
        }
        catch (OpenCvException exception)
        {
            return new PhotoOutcome(photo, 0, exception.Message, null, null, null);
        }
        IReadOnlyList<DetectedFace> faces;
        using (image)
        {
            faces = enrolment.Analyse(image.AsReadOnlySpan());
            pipeline.Analyse(image.AsReadOnlySpan(), analysis);
        }
        var subject = Largest(faces);
        var seen = Largest(analysis.Faces);
        var cut = seen is not null
            && (seen.Box.X1 < 0 || seen.Box.Y1 < 0 || seen.Box.X2 > analysis.FrameWidth || seen.Box.Y2 > analysis.FrameHeight);
        return new PhotoOutcome(
            photo,
            faces.Count,
            null,
            subject is { HasEmbedding: true } ? subject.Embedding.ToArray() : null,
            seen?.ProbabilityReal,
            subject?.Quality,
            cut);
    }

    private static DetectedFace? Largest(IReadOnlyList<DetectedFace> faces)
    {
        DetectedFace? largest = null;
        foreach (var face in faces)
        {
            if (largest is null || face.Quality.SizePixels > largest.Quality.SizePixels)
            {
                largest = face;
            }
        }
        return largest;
    }
}
