using System.Numerics;
using EdgeGate.Vision.Imaging;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// Aligns a face for the embedding model: the least-squares similarity (Umeyama) from the five
/// points to the manifest's reference points, then a bilinear warp to the square input size with
/// black outside the frame.
/// </summary>
public sealed class FaceAligner
{
    private readonly Vector2[] reference;

    public FaceAligner(IReadOnlyList<Vector2> referencePoints, int size)
    {
        ArgumentNullException.ThrowIfNull(referencePoints);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (referencePoints.Count != FivePoints.Count)
        {
            throw new ArgumentException($"{FivePoints.Count} reference points expected, got {referencePoints.Count}", nameof(referencePoints));
        }
        reference = [.. referencePoints];
        Size = size;
    }

    /// <summary>Side of the aligned face in pixels (112 for the shipped embedding model).</summary>
    public int Size { get; }

    /// <summary>The similarity transform from frame pixels to aligned-face pixels.</summary>
    public SimilarityTransform Estimate(FivePoints points)
    {
        Span<Vector2> source = stackalloc Vector2[FivePoints.Count];
        points.CopyTo(source);
        return SimilarityTransform.Estimate(source, reference);
    }

    /// <summary>Warps the face into <paramref name="destination"/> (BGR, <see cref="Size"/>²) and returns the transform used.</summary>
    public SimilarityTransform Align(ReadOnlyImageSpan frame, FivePoints points, ImageSpan destination)
    {
        if (destination.Width != Size || destination.Height != Size)
        {
            throw new ArgumentException($"the aligned face is {Size}x{Size}, the destination {destination.Width}x{destination.Height}", nameof(destination));
        }
        var transform = Estimate(points);
        var (m11, m12, m13, m21, m22, m23) = transform.ToMatrix();
        ImageOps.WarpAffine(frame, destination, new AffineTransform(m11, m12, m13, m21, m22, m23));
        return transform;
    }
}
