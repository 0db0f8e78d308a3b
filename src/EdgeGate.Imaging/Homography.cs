using System.Numerics;

namespace EdgeGate.Imaging;

/// <summary>
/// A 3x3 projective transform (plane to plane) with H33 = 1: x' = (H11 x + H12 y + H13) / w,
/// y' = (H21 x + H22 y + H23) / w, w = H31 x + H32 y + 1. Pure arithmetic, no allocation.
/// </summary>
public readonly record struct Homography(
    double H11, double H12, double H13,
    double H21, double H22, double H23,
    double H31, double H32)
{
    public static Homography Identity => new(1, 0, 0, 0, 1, 0, 0, 0);

    /// <summary>Maps a point; a point on the line at infinity maps to NaN.</summary>
    public Vector2 Apply(Vector2 point) => Apply(point.X, point.Y);

    public Vector2 Apply(double x, double y)
    {
        var w = (H31 * x) + (H32 * y) + 1.0;
        if (Math.Abs(w) < 1e-12)
        {
            return new Vector2(float.NaN, float.NaN);
        }
        return new Vector2((float)(((H11 * x) + (H12 * y) + H13) / w), (float)(((H21 * x) + (H22 * y) + H23) / w));
    }

    /// <summary>The inverse transform (false when the matrix is singular).</summary>
    public bool TryInvert(out Homography inverse)
    {
        // Adjugate of [[a b c] [d e f] [g h 1]].
        double a = H11, b = H12, c = H13, d = H21, e = H22, f = H23, g = H31, h = H32;
        var c11 = e - (f * h);
        var c12 = -(d - (f * g));
        var c13 = (d * h) - (e * g);
        var determinant = (a * c11) + (b * c12) + (c * c13);
        if (Math.Abs(determinant) < 1e-15)
        {
            inverse = default;
            return false;
        }
        var i11 = c11;
        var i12 = -(b - (c * h));
        var i13 = (b * f) - (c * e);
        var i21 = c12;
        var i22 = a - (c * g);
        var i23 = -((a * f) - (c * d));
        var i31 = c13;
        var i32 = -((a * h) - (b * g));
        var i33 = (a * e) - (b * d);
        if (Math.Abs(i33) < 1e-15)
        {
            inverse = default;
            return false;
        }
        inverse = new Homography(i11 / i33, i12 / i33, i13 / i33, i21 / i33, i22 / i33, i23 / i33, i31 / i33, i32 / i33);
        return true;
    }

    /// <summary>The exact transform taking four source corners to four destination corners.</summary>
    public static bool TryFromFourPoints(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> destination, out Homography homography)
    {
        if (source.Length != 4 || destination.Length != 4)
        {
            throw new ArgumentException("four points on each side");
        }
        return TryFit(source, destination, out homography);
    }

    /// <summary>
    /// Least-squares transform from <paramref name="source"/> to <paramref name="destination"/>
    /// (at least four pairs): the direct linear transform on Hartley-normalised points (centroid at
    /// the origin, mean distance √2), solved through its 8x8 normal equations. False when the points
    /// are degenerate (collinear, coincident).
    /// </summary>
    public static bool TryFit(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> destination, out Homography homography)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"{source.Length} source points but {destination.Length} destination points");
        }
        homography = default;
        if (source.Length < 4)
        {
            return false;
        }
        if (!Normalisation(source, out var sourceScale, out var sourceX, out var sourceY)
            || !Normalisation(destination, out var destinationScale, out var destinationX, out var destinationY))
        {
            return false;
        }

        Span<double> normal = stackalloc double[8 * 8];
        Span<double> right = stackalloc double[8];
        normal.Clear();
        right.Clear();
        Span<double> row = stackalloc double[9];
        for (var i = 0; i < source.Length; i++)
        {
            var x = (source[i].X - sourceX) * sourceScale;
            var y = (source[i].Y - sourceY) * sourceScale;
            var u = (destination[i].X - destinationX) * destinationScale;
            var v = (destination[i].Y - destinationY) * destinationScale;
            // u (h31 x + h32 y + 1) = h11 x + h12 y + h13, likewise v: one row each, right-hand side last.
            row[0] = x; row[1] = y; row[2] = 1; row[3] = 0; row[4] = 0; row[5] = 0; row[6] = -u * x; row[7] = -u * y; row[8] = u;
            Accumulate(normal, right, row);
            row[0] = 0; row[1] = 0; row[2] = 0; row[3] = x; row[4] = y; row[5] = 1; row[6] = -v * x; row[7] = -v * y; row[8] = v;
            Accumulate(normal, right, row);
        }
        Span<double> solution = stackalloc double[8];
        if (!LinearSystem.TrySolve(normal, right, 8, solution))
        {
            return false;
        }
        // Undo the normalisations: H = T_dst⁻¹ · Hn · T_src.
        var normalised = new Matrix3(solution[0], solution[1], solution[2], solution[3], solution[4], solution[5], solution[6], solution[7], 1);
        var toSource = new Matrix3(sourceScale, 0, -sourceScale * sourceX, 0, sourceScale, -sourceScale * sourceY, 0, 0, 1);
        var fromDestination = new Matrix3(1 / destinationScale, 0, destinationX, 0, 1 / destinationScale, destinationY, 0, 0, 1);
        var full = fromDestination.Multiply(normalised).Multiply(toSource);
        if (Math.Abs(full.M33) < 1e-15)
        {
            return false;
        }
        homography = new Homography(
            full.M11 / full.M33, full.M12 / full.M33, full.M13 / full.M33,
            full.M21 / full.M33, full.M22 / full.M33, full.M23 / full.M33,
            full.M31 / full.M33, full.M32 / full.M33);
        return double.IsFinite(homography.H11) && double.IsFinite(homography.H32);
    }

    private static bool Normalisation(ReadOnlySpan<Vector2> points, out double scale, out double centreX, out double centreY)
    {
        double sumX = 0, sumY = 0;
        foreach (var point in points)
        {
            sumX += point.X;
            sumY += point.Y;
        }
        centreX = sumX / points.Length;
        centreY = sumY / points.Length;
        double distance = 0;
        foreach (var point in points)
        {
            distance += Math.Sqrt(((point.X - centreX) * (point.X - centreX)) + ((point.Y - centreY) * (point.Y - centreY)));
        }
        distance /= points.Length;
        scale = distance > 1e-9 ? Math.Sqrt(2) / distance : 0;
        return scale > 0 && double.IsFinite(scale);
    }

    /// <summary>Adds one equation (8 coefficients, right-hand side last) to the normal equations.</summary>
    private static void Accumulate(Span<double> normal, Span<double> right, ReadOnlySpan<double> row)
    {
        for (var r = 0; r < 8; r++)
        {
            if (row[r] == 0)
            {
                continue;
            }
            for (var c = 0; c < 8; c++)
            {
                normal[(r * 8) + c] += row[r] * row[c];
            }
            right[r] += row[r] * row[8];
        }
    }

    private readonly record struct Matrix3(double M11, double M12, double M13, double M21, double M22, double M23, double M31, double M32, double M33)
    {
        public Matrix3 Multiply(Matrix3 o) => new(
            (M11 * o.M11) + (M12 * o.M21) + (M13 * o.M31), (M11 * o.M12) + (M12 * o.M22) + (M13 * o.M32), (M11 * o.M13) + (M12 * o.M23) + (M13 * o.M33),
            (M21 * o.M11) + (M22 * o.M21) + (M23 * o.M31), (M21 * o.M12) + (M22 * o.M22) + (M23 * o.M32), (M21 * o.M13) + (M22 * o.M23) + (M23 * o.M33),
            (M31 * o.M11) + (M32 * o.M21) + (M33 * o.M31), (M31 * o.M12) + (M32 * o.M22) + (M33 * o.M32), (M31 * o.M13) + (M32 * o.M23) + (M33 * o.M33));
    }
}
