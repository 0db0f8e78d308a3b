namespace EdgeGate.Imaging;

/// <summary>
/// A 2x3 affine matrix mapping source pixel coordinates to destination coordinates:
/// x' = M11 x + M12 y + M13, y' = M21 x + M22 y + M23 (OpenCV's warpAffine convention).
/// </summary>
public readonly record struct AffineTransform(double M11, double M12, double M13, double M21, double M22, double M23)
{
    public static AffineTransform Identity => new(1, 0, 0, 0, 1, 0);

    public static AffineTransform Translation(double x, double y) => new(1, 0, x, 0, 1, y);

    public static AffineTransform Scale(double scale) => new(scale, 0, 0, 0, scale, 0);

    /// <summary>Maps a point (source to destination).</summary>
    public (double X, double Y) Apply(double x, double y) => ((M11 * x) + (M12 * y) + M13, (M21 * x) + (M22 * y) + M23);
}
