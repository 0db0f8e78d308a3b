using System.Numerics;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// A similarity transform (rotation, uniform scale, translation):
/// x' = A·x − B·y + TranslateX, y' = B·x + A·y + TranslateY, where A = s·cos θ and B = s·sin θ.
/// </summary>
public readonly record struct SimilarityTransform(double A, double B, double TranslateX, double TranslateY)
{
    public double Scale => Math.Sqrt((A * A) + (B * B));

    public double RotationRadians => Math.Atan2(B, A);

    public static SimilarityTransform Create(double scale, double rotationRadians, double translateX, double translateY) =>
        new(scale * Math.Cos(rotationRadians), scale * Math.Sin(rotationRadians), translateX, translateY);

    public Vector2 Apply(Vector2 point) =>
        new((float)((A * point.X) - (B * point.Y) + TranslateX), (float)((B * point.X) + (A * point.Y) + TranslateY));

    /// <summary>The transform that undoes this one (scale 1/s, rotation −θ).</summary>
    public SimilarityTransform Invert()
    {
        var squaredScale = (A * A) + (B * B);
        if (squaredScale == 0)
        {
            throw new InvalidOperationException("a transform of scale 0 has no inverse");
        }
        var a = A / squaredScale;
        var b = -B / squaredScale;
        return new SimilarityTransform(a, b, -((a * TranslateX) - (b * TranslateY)), -((b * TranslateX) + (a * TranslateY)));
    }

    /// <summary>The 2×3 matrix row by row: [A, −B, Tx, B, A, Ty].</summary>
    public (double M11, double M12, double M13, double M21, double M22, double M23) ToMatrix() =>
        (A, -B, TranslateX, B, A, TranslateY);

    /// <summary>
    /// The least-squares similarity mapping <paramref name="source"/> onto <paramref name="destination"/>
    /// (Umeyama 1991, without reflection). In two dimensions Umeyama's SVD solution has a closed
    /// form: with centred points p, q and σ² = Σ|p|², A = Σ(p·q)/σ², B = Σ(p×q)/σ², t = μq − [A −B; B A]μp.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two points, different counts, or all source points equal.</exception>
    public static SimilarityTransform Estimate(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"{source.Length} source points but {destination.Length} destination points");
        }
        if (source.Length < 2)
        {
            throw new ArgumentException("a similarity transform needs at least two point pairs");
        }
        double sourceMeanX = 0, sourceMeanY = 0, destinationMeanX = 0, destinationMeanY = 0;
        for (var index = 0; index < source.Length; index++)
        {
            sourceMeanX += source[index].X;
            sourceMeanY += source[index].Y;
            destinationMeanX += destination[index].X;
            destinationMeanY += destination[index].Y;
        }
        sourceMeanX /= source.Length;
        sourceMeanY /= source.Length;
        destinationMeanX /= source.Length;
        destinationMeanY /= source.Length;

        double variance = 0, dot = 0, cross = 0;
        for (var index = 0; index < source.Length; index++)
        {
            var px = source[index].X - sourceMeanX;
            var py = source[index].Y - sourceMeanY;
            var qx = destination[index].X - destinationMeanX;
            var qy = destination[index].Y - destinationMeanY;
            variance += (px * px) + (py * py);
            dot += (px * qx) + (py * qy);
            cross += (px * qy) - (py * qx);
        }
        if (variance < 1e-12)
        {
            throw new ArgumentException("the source points coincide: no transform can be estimated");
        }
        var a = dot / variance;
        var b = cross / variance;
        var translateX = destinationMeanX - ((a * sourceMeanX) - (b * sourceMeanY));
        var translateY = destinationMeanY - ((b * sourceMeanX) + (a * sourceMeanY));
        return new SimilarityTransform(a, b, translateX, translateY);
    }
}
