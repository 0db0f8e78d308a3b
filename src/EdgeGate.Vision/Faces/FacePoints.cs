using System.Numerics;

namespace EdgeGate.Vision.Faces;

/// <summary>The five alignment points in frame pixels (left/right as seen in the image).</summary>
public readonly record struct FivePoints(Vector2 EyeLeft, Vector2 EyeRight, Vector2 Nose, Vector2 MouthLeft, Vector2 MouthRight)
{
    public const int Count = 5;

    /// <summary>Point <paramref name="index"/> in the order eyeL, eyeR, nose, mouthL, mouthR.</summary>
    public Vector2 this[int index] => index switch
    {
        0 => EyeLeft,
        1 => EyeRight,
        2 => Nose,
        3 => MouthLeft,
        4 => MouthRight,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "five points: 0 to 4"),
    };

    /// <summary>Copies the points into <paramref name="destination"/> (at least five).</summary>
    public void CopyTo(Span<Vector2> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException("the destination needs room for five points", nameof(destination));
        }
        destination[0] = EyeLeft;
        destination[1] = EyeRight;
        destination[2] = Nose;
        destination[3] = MouthLeft;
        destination[4] = MouthRight;
    }

    public static FivePoints FromSpan(ReadOnlySpan<Vector2> points)
    {
        if (points.Length != Count)
        {
            throw new ArgumentException($"five points expected, got {points.Length}", nameof(points));
        }
        return new FivePoints(points[0], points[1], points[2], points[3], points[4]);
    }
}

/// <summary>
/// Which of the landmark model's points (0-based, iBUG 68-point order for the shipped model) are
/// averaged into each of the five alignment points; a model fact from the manifest ("fivePoints").
/// </summary>
public sealed record LandmarkLayout(
    IReadOnlyList<int> EyeLeft,
    IReadOnlyList<int> EyeRight,
    IReadOnlyList<int> Nose,
    IReadOnlyList<int> MouthLeft,
    IReadOnlyList<int> MouthRight)
{
    /// <summary>Checks every group is non-empty and inside a model with <paramref name="pointCount"/> points.</summary>
    public void Validate(int pointCount)
    {
        foreach (var (name, group) in Groups())
        {
            if (group is null || group.Count == 0)
            {
                throw new InvalidDataException($"landmark group '{name}' is empty");
            }
            foreach (var index in group)
            {
                if (index < 0 || index >= pointCount)
                {
                    throw new InvalidDataException($"landmark group '{name}' names point {index}; the model has {pointCount} points");
                }
            }
        }
    }

    /// <summary>Averages the groups of <paramref name="points"/> into the five alignment points.</summary>
    public FivePoints Reduce(ReadOnlySpan<Vector2> points) =>
        new(Mean(points, EyeLeft), Mean(points, EyeRight), Mean(points, Nose), Mean(points, MouthLeft), Mean(points, MouthRight));

    private IEnumerable<(string Name, IReadOnlyList<int> Group)> Groups()
    {
        yield return ("eyeLeft", EyeLeft);
        yield return ("eyeRight", EyeRight);
        yield return ("nose", Nose);
        yield return ("mouthLeft", MouthLeft);
        yield return ("mouthRight", MouthRight);
    }

    private static Vector2 Mean(ReadOnlySpan<Vector2> points, IReadOnlyList<int> group)
    {
        var sum = Vector2.Zero;
        for (var index = 0; index < group.Count; index++)
        {
            sum += points[group[index]];
        }
        return sum / group.Count;
    }
}

/// <summary>Landmark model output to frame coordinates.</summary>
public static class LandmarkDecoder
{
    /// <summary>
    /// Point i = (o[2i]·w + x, o[2i+1]·h + y) for the crop the model saw; written to
    /// <paramref name="points"/> (one per output pair), kept as floats.
    /// </summary>
    public static void Decode(ReadOnlySpan<float> output, PixelRectangle crop, Span<Vector2> points)
    {
        if (output.Length % 2 != 0 || points.Length != output.Length / 2)
        {
            throw new ArgumentException($"{output.Length} landmark values do not make {points.Length} points");
        }
        for (var index = 0; index < points.Length; index++)
        {
            points[index] = new Vector2(
                (output[2 * index] * crop.Width) + crop.X,
                (output[(2 * index) + 1] * crop.Height) + crop.Y);
        }
    }
}
