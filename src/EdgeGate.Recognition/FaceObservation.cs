using System.Drawing;
using System.Numerics;
using EdgeGate.Core.Recognition;
using EdgeGate.Imaging;
using EdgeGate.Vision.Presentation;
using EdgeGate.Vision.Tracking;

namespace EdgeGate.Recognition;

/// <summary>
/// One face found in a frame, as recognition needs it: a detection (box and size), described or
/// not. The embedding and landmarks may point into the analyser's reused buffers: they are valid
/// until the next <see cref="IFaceAnalyser.Detect(ReadOnlyImageSpan, List{FaceObservation})"/>.
/// </summary>
/// <param name="Box">Face box in frame pixels.</param>
/// <param name="SizePixels">Side of the square face box.</param>
/// <param name="QualityAccepted">False when the face is too blurred or turned to vote, or not described (it is still tracked).</param>
/// <param name="Embedding">L2-normalised embedding (empty when none was computed, or the detection is not a face after all).</param>
/// <param name="ProbabilityReal">Liveness P(real), null when not computed.</param>
/// <param name="Cues">The image cues of a photo or screen, null when not measured (the liveness model alone then decides).</param>
/// <param name="Landmarks">The 68 landmarks in frame pixels (empty when not available): motion and blinks over the track.</param>
/// <param name="Infrared">What the paired infrared camera showed at this face's place (set by <see cref="InfraredPairing"/>).</param>
public readonly record struct FaceObservation(
    RectangleF Box,
    int SizePixels,
    bool QualityAccepted,
    ReadOnlyMemory<float> Embedding,
    float? ProbabilityReal,
    PresentationCues? Cues = null,
    ReadOnlyMemory<Vector2> Landmarks = default,
    InfraredEvidence Infrared = InfraredEvidence.NotPaired);

/// <summary>
/// The face pipeline as the recognition loop uses it, in two steps: find the faces of a frame
/// (cheap), then describe only those recognition still needs (landmarks, quality, embedding,
/// liveness). One per recognition thread.
/// </summary>
public interface IFaceAnalyser : IDisposable
{
    /// <summary>Finds the faces of a BGR frame, replacing the contents of <paramref name="faces"/> with undescribed detections.</summary>
    void Detect(ReadOnlyImageSpan frame, List<FaceObservation> faces);

    /// <summary>Describes face <paramref name="face"/> of the last <see cref="Detect(ReadOnlyImageSpan, List{FaceObservation})"/>, which was given the same frame.</summary>
    FaceObservation Describe(ReadOnlyImageSpan frame, int face);

    /// <summary>Finds the faces of a BGR frame as boxes only (frame pixels), replacing the contents of <paramref name="faces"/>: the paired infrared camera's frames.</summary>
    void Detect(ReadOnlyImageSpan frame, List<RectangleF> faces);

    /// <summary>Runs every model once so that the first face is analysed at full speed (before the gateway reports ready).</summary>
    void WarmUp();
}

/// <summary>What the gallery says about one embedding.</summary>
/// <param name="Kind">Match, NoMatch (a stranger) or Ambiguous (two persons too close).</param>
/// <param name="PersonId">The person, for a match.</param>
/// <param name="Similarity">Similarity to the best person (−1 with an empty gallery).</param>
/// <param name="Margin">Best minus second-best person similarity.</param>
public readonly record struct IdentityMatch(FaceVoteKind Kind, string? PersonId, float Similarity, float Margin);

/// <summary>The 1:N gallery search with the site's thresholds and margin.</summary>
public interface IFaceIdentifier
{
    IdentityMatch Identify(ReadOnlySpan<float> embedding);
}
