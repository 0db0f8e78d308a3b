using System.Numerics;
using EdgeGate.Core.Persons;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// One face of a frame: detector box and score, the square box, landmarks and five points, quality
/// figures, the L2-normalised embedding and P(real). Faces handed out by a reused
/// <see cref="FaceAnalysis"/> are overwritten by the next frame; <see cref="Clone"/> keeps one.
/// </summary>
public sealed class DetectedFace
{
    private readonly Vector2[] landmarks;
    private readonly float[] embedding;

    internal DetectedFace(int landmarkCount, int embeddingLength)
    {
        landmarks = new Vector2[landmarkCount];
        embedding = new float[embeddingLength];
    }

    /// <summary>The detector's box in frame pixels.</summary>
    public FaceBox Box { get; internal set; }

    /// <summary>The detector's P(face).</summary>
    public float Score { get; internal set; }

    /// <summary>The square face box clipped to the frame: the liveness crop and the size figure start from it (landmarks use it unclipped).</summary>
    public PixelRectangle SquareBox { get; internal set; }

    /// <summary>All landmark points in frame pixels (68, iBUG order).</summary>
    public ReadOnlyMemory<Vector2> Landmarks => landmarks;

    /// <summary>The five alignment points in frame pixels.</summary>
    public FivePoints Points { get; internal set; }

    /// <summary>Size, sharpness and head-turn figures.</summary>
    public FaceQuality Quality { get; internal set; }

    /// <summary>Whether <see cref="Embedding"/> was computed (the pipeline can skip it).</summary>
    public bool HasEmbedding { get; internal set; }

    /// <summary>The unit-length embedding (empty when not computed); similarity is the dot product.</summary>
    public ReadOnlyMemory<float> Embedding => HasEmbedding ? embedding : ReadOnlyMemory<float>.Empty;

    /// <summary>Norm of the embedding model's raw output (a low norm often means a poor face).</summary>
    public float EmbeddingNorm { get; internal set; }

    /// <summary>The embedding model id from the manifest; templates of other models do not compare.</summary>
    public string EmbeddingModelId { get; internal set; } = string.Empty;

    /// <summary>Liveness P(real), or null when it was not computed.</summary>
    public float? ProbabilityReal { get; internal set; }

    /// <summary>Image cues of a photo or screen (computed with liveness), or null when not computed.</summary>
    public PresentationCues? Cues { get; internal set; }

    internal Span<Vector2> LandmarkBuffer => landmarks;

    internal Span<float> EmbeddingBuffer => embedding;

    /// <summary>Cosine similarity with another face's embedding (both must have one).</summary>
    public float Similarity(DetectedFace other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!HasEmbedding || !other.HasEmbedding)
        {
            throw new InvalidOperationException("both faces need an embedding");
        }
        return FaceVectors.Cosine(embedding, other.embedding);
    }

    /// <summary>
    /// The face as an enrolment template (embedding copied, the embedding model id, quality
    /// <see cref="FaceQuality.Score"/>).
    /// </summary>
    public FaceTemplate ToTemplate(string personId, DateTimeOffset enrolledAt, string? sourcePhotoSha256 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(personId);
        if (!HasEmbedding)
        {
            throw new InvalidOperationException("the face has no embedding: analyse with embeddings on");
        }
        return new FaceTemplate
        {
            PersonId = personId,
            ModelId = EmbeddingModelId,
            Embedding = embedding.ToArray(),
            Quality = (float)Quality.Score,
            SourcePhotoSha256 = sourcePhotoSha256,
            EnrolledAt = enrolledAt,
        };
    }

    /// <summary>An independent copy that the next frame does not overwrite.</summary>
    public DetectedFace Clone()
    {
        var copy = new DetectedFace(landmarks.Length, embedding.Length)
        {
            Box = Box,
            Score = Score,
            SquareBox = SquareBox,
            Points = Points,
            Quality = Quality,
            HasEmbedding = HasEmbedding,
            EmbeddingNorm = EmbeddingNorm,
            EmbeddingModelId = EmbeddingModelId,
            ProbabilityReal = ProbabilityReal,
            Cues = Cues,
        };
        landmarks.CopyTo(copy.landmarks, 0);
        embedding.CopyTo(copy.embedding, 0);
        return copy;
    }
}

/// <summary>
/// Time spent per stage on one frame (summed over its faces). Each stage includes its pre- and
/// post-processing; <see cref="Inference"/> is the part inside ONNX Runtime across all stages;
/// <see cref="Cues"/> is the presentation cues measured after liveness (not part of <see cref="Liveness"/>).
/// </summary>
public readonly record struct FaceStageTimings(
    TimeSpan Detect,
    TimeSpan Landmarks,
    TimeSpan Align,
    TimeSpan Embed,
    TimeSpan Liveness,
    TimeSpan Total,
    TimeSpan Inference,
    TimeSpan Cues = default)
{
    /// <summary>Everything outside ONNX Runtime: resizing, colour conversion, tensor filling, decoding, alignment, quality.</summary>
    public TimeSpan PrePostProcessing => Total - Inference;
}

/// <summary>
/// The result of analysing one frame, reusable across frames so that steady-state analysis
/// allocates nothing: its faces are overwritten by the next <see cref="FacePipeline.Analyse(EdgeGate.Imaging.ReadOnlyImageSpan, FaceAnalysis)"/>.
/// </summary>
public sealed class FaceAnalysis
{
    private readonly List<DetectedFace> faces = [];
    private readonly List<DetectedFace> spare = [];

    /// <summary>The faces found, in detector order (best score first).</summary>
    public IReadOnlyList<DetectedFace> Faces => faces;

    /// <summary>How many faces the detector found before the pipeline's face limit.</summary>
    public int DetectedCount { get; internal set; }

    /// <summary>Detections dropped because their embedding norm showed they are not faces.</summary>
    public int RejectedCount { get; internal set; }

    public int FrameWidth { get; internal set; }

    public int FrameHeight { get; internal set; }

    public FaceStageTimings Timings { get; internal set; }

    internal void Reset()
    {
        spare.AddRange(faces);
        faces.Clear();
        DetectedCount = 0;
        RejectedCount = 0;
    }

    /// <summary>Drops a detection that turned out not to be a face.</summary>
    internal void Reject(int index)
    {
        spare.Add(faces[index]);
        faces.RemoveAt(index);
        RejectedCount++;
    }

    internal DetectedFace Add(int landmarkCount, int embeddingLength)
    {
        DetectedFace face;
        if (spare.Count > 0)
        {
            face = spare[^1];
            spare.RemoveAt(spare.Count - 1);
        }
        else
        {
            face = new DetectedFace(landmarkCount, embeddingLength);
        }
        faces.Add(face);
        return face;
    }
}
