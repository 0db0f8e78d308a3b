using System.Numerics;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// Quality figures of one face. <see cref="SizePixels"/> is the side of the square face box in the
/// frame; <see cref="Sharpness"/> the variance of the Laplacian of the grey aligned face
/// (112×112, so faces of any size compare; upscaled small faces score low, as they should);
/// <see cref="YawDegrees"/> a left/right turn estimate from the five points (0 = frontal, sign =
/// direction in the image); <see cref="Frontalness"/> = 1 − |yaw| / 90.
/// </summary>
public readonly record struct FaceQuality(int SizePixels, double Sharpness, double YawDegrees)
{
    /// <summary>Face side at which size stops counting in <see cref="Score"/> (the aligned face is 112 pixels).</summary>
    public const int FullScoreSizePixels = 112;

    /// <summary>Sharpness at which blur stops counting in <see cref="Score"/> (clear labelled photos measure 170 and above).</summary>
    public const double FullScoreSharpness = 150.0;

    public double Frontalness => Math.Clamp(1.0 - (Math.Abs(YawDegrees) / 90.0), 0.0, 1.0);

    /// <summary>
    /// One figure in [0, 1] to rank photos of one person (e.g. which enrolment photo to keep):
    /// size, sharpness and frontalness, each capped at 1, multiplied. Not a gate: use
    /// <see cref="FaceQualityGate"/> for accept/reject with a reason.
    /// </summary>
    public double Score =>
        Math.Min(1.0, (double)SizePixels / FullScoreSizePixels)
        * (double.IsFinite(Sharpness) ? Math.Clamp(Sharpness / FullScoreSharpness, 0.0, 1.0) : 0.0)
        * Frontalness;
}

/// <summary>Variance of the Laplacian: a focus measure (low = blurred or featureless).</summary>
public static class SharpnessMeasure
{
    /// <summary>
    /// Variance of the 4-neighbour Laplacian (0 1 0 / 1 −4 1 / 0 1 0) over the interior pixels of a
    /// grey image with rows <paramref name="stride"/> bytes apart. Images smaller than 3×3 give 0.
    /// </summary>
    public static double VarianceOfLaplacian(ReadOnlySpan<byte> gray, int width, int height, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width);
        if (gray.Length < ((height - 1) * stride) + width)
        {
            throw new ArgumentException($"{gray.Length} bytes cannot hold a {width}x{height} grey image with stride {stride}", nameof(gray));
        }
        if (width < 3 || height < 3)
        {
            return 0.0;
        }
        long sum = 0;
        long sumOfSquares = 0;
        for (var y = 1; y < height - 1; y++)
        {
            var above = gray.Slice((y - 1) * stride, width);
            var row = gray.Slice(y * stride, width);
            var below = gray.Slice((y + 1) * stride, width);
            for (var x = 1; x < width - 1; x++)
            {
                long laplacian = above[x] + below[x] + row[x - 1] + row[x + 1] - (4 * row[x]);
                sum += laplacian;
                sumOfSquares += laplacian * laplacian;
            }
        }
        double count = (width - 2) * (height - 2);
        var mean = sum / count;
        return Math.Max(0.0, (sumOfSquares / count) - (mean * mean));
    }
}

/// <summary>Head turn (yaw) estimated from the five points.</summary>
public static class PoseEstimate
{
    /// <summary>
    /// Depth of the nose tip in front of the eye–mouth plane relative to the distance between the
    /// eyes (about 0.5 on adult faces). Turning the head by θ moves the nose sideways by
    /// depth·sin θ while the eye distance shrinks by cos θ, so offset / eye distance = 0.5·tan θ.
    /// </summary>
    public const double NoseDepthToEyeDistance = 0.5;

    /// <summary>
    /// Yaw in degrees: the nose's sideways offset from the face's centre line (midway between the
    /// eye midpoint and the mouth midpoint), measured along the eye axis so head roll does not count.
    /// </summary>
    public static double YawDegrees(FivePoints points)
    {
        var eyeAxis = points.EyeRight - points.EyeLeft;
        var eyeDistance = eyeAxis.Length();
        if (eyeDistance < 1e-3f)
        {
            // Eyes on top of each other: a profile view.
            return 90.0;
        }
        var direction = eyeAxis / eyeDistance;
        var eyeMiddle = (points.EyeLeft + points.EyeRight) / 2f;
        var mouthMiddle = (points.MouthLeft + points.MouthRight) / 2f;
        var centre = (eyeMiddle + mouthMiddle) / 2f;
        var offset = Vector2.Dot(points.Nose - centre, direction);
        var yaw = Math.Atan(offset / (NoseDepthToEyeDistance * eyeDistance));
        return yaw * 180.0 / Math.PI;
    }
}
