using System.Drawing;
using EdgeGate.Gallery;
using EdgeGate.Imaging;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Tracking;

namespace EdgeGate.Recognition;

/// <summary>
/// <see cref="IFaceAnalyser"/> over the real <see cref="FacePipeline"/>: detect, then per face asked
/// for landmarks, align, embed, liveness and presentation cues, with the quality gate deciding whether a face may vote.
/// Reuses one <see cref="FaceAnalysis"/>, so embeddings handed out are valid until the next frame.
/// </summary>
public sealed class FacePipelineAnalyser(FacePipeline pipeline, FaceQualityGate qualityGate) : IFaceAnalyser
{
    private readonly FaceAnalysis analysis = new();
    private readonly List<FaceDetection> detections = [];

    public FacePipeline Pipeline { get; } = pipeline ?? throw new ArgumentNullException(nameof(pipeline));

    public FaceQualityGate QualityGate { get; } = qualityGate ?? throw new ArgumentNullException(nameof(qualityGate));

    /// <summary>Stage timings of the last frame.</summary>
    public FaceStageTimings LastTimings => analysis.Timings;

    public void Detect(ReadOnlyImageSpan frame, List<FaceObservation> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        faces.Clear();
        Pipeline.Detect(frame, analysis);
        foreach (var face in analysis.Faces)
        {
            faces.Add(new FaceObservation(BoxOf(face), FaceGeometry.SizePixels(face.SquareBox), QualityAccepted: false, ReadOnlyMemory<float>.Empty, null));
        }
    }

    public void Detect(ReadOnlyImageSpan frame, List<RectangleF> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        faces.Clear();
        Pipeline.Detect(frame, detections);
        foreach (var detection in detections)
        {
            var box = detection.Box;
            faces.Add(new RectangleF(box.X1, box.Y1, box.Width, box.Height));
        }
    }

    public FaceObservation Describe(ReadOnlyImageSpan frame, int face)
    {
        var detected = analysis.Faces[face];
        if (!Pipeline.Describe(frame, detected))
        {
            // Not a face after all (the embedding's norm says so): tracked, never voting.
            return new FaceObservation(BoxOf(detected), detected.Quality.SizePixels, QualityAccepted: false, ReadOnlyMemory<float>.Empty, null);
        }
        return new FaceObservation(
            BoxOf(detected),
            detected.Quality.SizePixels,
            QualityGate.Check(detected.Quality) == FaceQualityVerdict.Accepted,
            detected.Embedding,
            detected.ProbabilityReal,
            detected.Cues,
            detected.Landmarks);
    }

    public void WarmUp()
    {
        Pipeline.WarmUp();
        QualityGate.Check(default);
    }

    private static RectangleF BoxOf(DetectedFace face) => new(face.Box.X1, face.Box.Y1, face.Box.Width, face.Box.Height);

    public void Dispose() => Pipeline.Dispose();
}

/// <summary><see cref="IFaceIdentifier"/> over the in-memory <see cref="FaceGallery"/> with the site's thresholds.</summary>
public sealed class GalleryIdentifier(FaceGallery gallery, MatchThresholds thresholds) : IFaceIdentifier
{
    public FaceGallery Gallery { get; } = gallery ?? throw new ArgumentNullException(nameof(gallery));

    public MatchThresholds Thresholds { get; } = thresholds;

    public IdentityMatch Identify(ReadOnlySpan<float> embedding)
    {
        var result = Gallery.Match(embedding, Thresholds);
        return result.Outcome switch
        {
            MatchOutcome.Match => new IdentityMatch(FaceVoteKind.Match, result.PersonId, result.Similarity, result.Margin),
            MatchOutcome.Ambiguous => new IdentityMatch(FaceVoteKind.Ambiguous, null, result.Similarity, result.Margin),
            _ => new IdentityMatch(FaceVoteKind.NoMatch, null, result.Similarity, result.Margin),
        };
    }
}
