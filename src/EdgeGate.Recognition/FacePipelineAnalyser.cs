using System.Drawing;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Gallery;
using EdgeGate.Vision.Imaging;
using EdgeGate.Vision.Tracking;

namespace EdgeGate.Gateway.Live;

/// <summary>
/// <see cref="IFaceAnalyser"/> over the real <see cref="FacePipeline"/>: detect, landmarks, align,
/// embed, liveness, with the quality gate deciding whether a face may vote. Reuses one
/// <see cref="FaceAnalysis"/>, so embeddings handed out are valid until the next frame.
/// </summary>
public sealed class FacePipelineAnalyser(FacePipeline pipeline, FaceQualityGate qualityGate) : IFaceAnalyser
{
    private readonly FaceAnalysis analysis = new();
    private readonly List<FaceDetection> detections = [];

    public FacePipeline Pipeline { get; } = pipeline ?? throw new ArgumentNullException(nameof(pipeline));

    public FaceQualityGate QualityGate { get; } = qualityGate ?? throw new ArgumentNullException(nameof(qualityGate));

    /// <summary>Stage timings of the last frame.</summary>
    public FaceStageTimings LastTimings => analysis.Timings;

    public void Analyse(ReadOnlyImageSpan frame, List<FaceObservation> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        faces.Clear();
        Pipeline.Analyse(frame, analysis);
        foreach (var face in analysis.Faces)
        {
            var box = face.Box;
            faces.Add(new FaceObservation(
                new RectangleF(box.X1, box.Y1, box.Width, box.Height),
                face.Quality.SizePixels,
                QualityGate.Check(face.Quality) == FaceQualityVerdict.Accepted,
                face.Embedding,
                face.ProbabilityReal,
                face.Cues,
                face.Landmarks));
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
            MatchOutcome.Match => new IdentityMatch(FaceVoteKind.Match, result.PersonId, result.Similarity),
            MatchOutcome.Ambiguous => new IdentityMatch(FaceVoteKind.Ambiguous, null, result.Similarity),
            _ => new IdentityMatch(FaceVoteKind.NoMatch, null, result.Similarity),
        };
    }
}
