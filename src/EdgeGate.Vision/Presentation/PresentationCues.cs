using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Imaging;

namespace EdgeGate.Vision.Presentation;

/// <summary>
/// Image figures of one face in one frame that tell a live face from a photo or a screen, besides
/// the liveness model. Each has a reason to differ on an artefact:
/// <list type="bullet">
/// <item><see cref="Saturation"/>: mean colour saturation of the face's skin (ink on paper is duller than skin under light).</item>
/// <item><see cref="Range"/>: the 2nd–98th percentile spread of the face's brightness (paper neither absorbs nor
/// reflects fully; a screen's reflection lifts its blacks).</item>
/// <item><see cref="ChromaRipple"/>: colour change between neighbouring pixels relative to brightness change (a display's
/// R, G, B stripes sampled by the camera leave colour fringes and moiré; skin's colour changes slowly).</item>
/// <item><see cref="Warmth"/>: mean (red − blue) / (red + green + blue) of the face (skin is warm; a display's white point is
/// bluer than indoor light).</item>
/// <item><see cref="EdgeStrongest"/>, <see cref="EdgeSecond"/>: the strongest and second-strongest long straight edges beside the
/// face on different sides in the liveness crop (a paper's edge, a phone's bezel), in grey levels.</item>
/// </list>
/// Other figures were measured and left out because they did not help on faces the check was not
/// fitted on (docs/presentation-attacks.md): specular glare, black level, periodicity, colour bands
/// a few pixels apart, fine detail.
/// </summary>
public readonly record struct PresentationCues(
    float Saturation,
    float Range,
    float ChromaRipple,
    float Warmth,
    float EdgeStrongest,
    float EdgeSecond)
{
    /// <summary>Number of figures in <see cref="CopyTo"/>.</summary>
    public const int Count = 6;

    /// <summary>Names of the figures in <see cref="CopyTo"/> order (reports, the fitted weights).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["saturation", "range", "chroma_ripple", "warmth", "edge_strongest", "edge_second"];

    public void CopyTo(Span<float> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"room for {Count} figures needed", nameof(destination));
        }
        destination[0] = Saturation;
        destination[1] = Range;
        destination[2] = ChromaRipple;
        destination[3] = Warmth;
        destination[4] = EdgeStrongest;
        destination[5] = EdgeSecond;
    }
}

/// <summary>
/// Measures <see cref="PresentationCues"/> for a face: the face figures on the frame's own pixels
/// (a grid of at most 64x64 samples over the middle of the square box, each with its right and lower
/// neighbour, so fine detail is kept whatever the face size), the edge figures on the liveness crop
/// the liveness model already resized. Allocates nothing; not thread-safe (one per pipeline).
/// </summary>
public sealed class PresentationCueMeter
{
    private const int Grid = 64;
    private const int CropSide = 128;

    // Tangents of the line angles searched (about ±12°): sheets and phones are rarely held straighter than that.
    private static readonly float[] Slopes = [-0.2f, -0.1f, 0f, 0.1f, 0.2f];

    private readonly int[] histogram = new int[256];
    private readonly int[] columnOffsets = new int[Grid];
    private readonly byte[] luma = new byte[CropSide * CropSide];
    private readonly short[] gradientX = new short[CropSide * CropSide];
    private readonly short[] gradientY = new short[CropSide * CropSide];
    private readonly int[] lineShift = new int[2 * CropSide];

    /// <summary>
    /// The cues of the face in <paramref name="squareBox"/> of <paramref name="frame"/>, with
    /// <paramref name="crop"/> the liveness model's input (BGR, any size up to 128x128) cut from
    /// <paramref name="cropInFrame"/> of the frame.
    /// </summary>
    public PresentationCues Measure(ReadOnlyImageSpan frame, PixelRectangle squareBox, ReadOnlyImageSpan crop, PixelRectangle cropInFrame)
    {
        FaceDetector.RequireBgr(frame);
        FaceDetector.RequireBgr(crop);
        if (squareBox.IsEmpty || cropInFrame.IsEmpty || frame.Width < 2 || frame.Height < 2)
        {
            throw new ArgumentException("empty face box, crop or frame");
        }
        var (saturation, range, ripple, warmth) = FaceFigures(frame, squareBox);
        var (strongest, second) = EdgeFigures(crop, squareBox, cropInFrame);
        return new PresentationCues(saturation, range, ripple, warmth, strongest, second);
    }

    private (float Saturation, float Range, float Ripple, float Warmth) FaceFigures(ReadOnlyImageSpan frame, PixelRectangle box)
    {
        // The middle 60% of the square box: skin, eyes, nose, mouth; little hair or background.
        var inset = box.Width / 5;
        var left = Math.Clamp(box.X + inset, 0, frame.Width - 2);
        var top = Math.Clamp(box.Y + inset, 0, frame.Height - 2);
        var right = Math.Max(left + 1, Math.Min(box.Right - inset, frame.Width - 1));
        var bottom = Math.Max(top + 1, Math.Min(box.Bottom - inset, frame.Height - 1));
        var columns = Math.Min(Grid, right - left);
        var rows = Math.Min(Grid, bottom - top);
        var stepX = (float)(right - left) / columns;
        var stepY = (float)(bottom - top) / rows;

        Array.Clear(histogram);
        double saturationSum = 0;
        double warmthSum = 0;
        long lumaChange = 0;
        long chromaChange = 0;
        var data = frame.Data;
        var stride = frame.Stride;
        for (var column = 0; column < columns; column++)
        {
            columnOffsets[column] = (left + (int)(column * stepX)) * 3;
        }
        for (var row = 0; row < rows; row++)
        {
            var rowStart = (top + (int)(row * stepY)) * stride;
            for (var column = 0; column < columns; column++)
            {
                var index = rowStart + columnOffsets[column];
                int b = data[index], g = data[index + 1], r = data[index + 2];
                int rightB = data[index + 3], rightG = data[index + 4], rightR = data[index + 5];
                int belowB = data[index + stride], belowG = data[index + stride + 1], belowR = data[index + stride + 2];
                var y0 = Luma(b, g, r);
                histogram[y0]++;
                var maximum = Math.Max(b, Math.Max(g, r));
                var minimum = Math.Min(b, Math.Min(g, r));
                saturationSum += maximum == 0 ? 0 : (double)(maximum - minimum) / maximum;
                warmthSum += (double)(r - b) / (r + g + b + 1);
                lumaChange += Math.Abs(Luma(rightB, rightG, rightR) - y0) + Math.Abs(Luma(belowB, belowG, belowR) - y0);
                chromaChange += Math.Abs((rightR - rightG) - (r - g)) + Math.Abs((rightB - rightG) - (b - g))
                    + Math.Abs((belowR - belowG) - (r - g)) + Math.Abs((belowB - belowG) - (b - g));
            }
        }
        var count = rows * columns;
        var range = Percentile(histogram, count, 0.98) - Percentile(histogram, count, 0.02);
        var ripple = (float)(chromaChange / ((2.0 * lumaChange) + count));
        return ((float)(saturationSum / count), range, ripple, (float)(warmthSum / count));
    }

    private (float Strongest, float Second) EdgeFigures(ReadOnlyImageSpan crop, PixelRectangle box, PixelRectangle cropInFrame)
    {
        var width = Math.Min(crop.Width, CropSide);
        var height = Math.Min(crop.Height, CropSide);
        for (var y = 0; y < height; y++)
        {
            var row = crop.Row(y);
            for (var x = 0; x < width; x++)
            {
                luma[(y * CropSide) + x] = (byte)Luma(row[x * 3], row[(x * 3) + 1], row[(x * 3) + 2]);
            }
        }
        for (var y = 1; y < height - 1; y++)
        {
            for (var x = 1; x < width - 1; x++)
            {
                var index = (y * CropSide) + x;
                gradientX[index] = (short)(luma[index + 1] - luma[index - 1]);
                gradientY[index] = (short)(luma[index + CropSide] - luma[index - CropSide]);
            }
        }

        // The face box in crop pixels: lines must lie beside it, not across it.
        var scaleX = (float)width / cropInFrame.Width;
        var scaleY = (float)height / cropInFrame.Height;
        var faceLeft = (box.X - cropInFrame.X) * scaleX;
        var faceRight = (box.Right - cropInFrame.X) * scaleX;
        var faceTop = (box.Y - cropInFrame.Y) * scaleY;
        var faceBottom = (box.Bottom - cropInFrame.Y) * scaleY;
        Span<float> sides = stackalloc float[4];
        LineSearch(gradientY, width, height, faceLeft, faceRight, faceTop, faceBottom, horizontal: true, out sides[0], out sides[1]);
        LineSearch(gradientX, width, height, faceTop, faceBottom, faceLeft, faceRight, horizontal: false, out sides[2], out sides[3]);
        sides.Sort();
        return (sides[3], sides[2]);
    }

    /// <summary>
    /// The strongest straight edge before and after the face across the crop: for each slope and
    /// offset, the mean signed gradient along the line over the points outside the face (at least
    /// half the crop's length), so one long edge of steady contrast scores high and texture cancels.
    /// </summary>
    private void LineSearch(short[] gradient, int width, int height, float alongStart, float alongEnd, float acrossStart, float acrossEnd, bool horizontal, out float before, out float after)
    {
        before = 0f;
        after = 0f;
        var length = horizontal ? width : height;
        var span = horizontal ? height : width;
        var middle = length / 2f;
        // Gradient index = across * acrossStride + along * alongStride.
        var acrossStride = horizontal ? CropSide : 1;
        var alongStride = horizontal ? 1 : CropSide;
        var faceAlongStart = (int)MathF.Ceiling(alongStart);
        var faceAlongEnd = (int)MathF.Ceiling(alongEnd);
        var faceAcrossStart = (int)MathF.Ceiling(acrossStart);
        var faceAcrossEnd = (int)MathF.Ceiling(acrossEnd);
        foreach (var slope in Slopes)
        {
            // The line's shift from its offset at each point, rounded as Round(offset + shift) rounds
            // (to even at halves: the table depends on the offset's parity).
            for (var along = 0; along < length; along++)
            {
                var shift = slope * (along - middle);
                lineShift[along] = (int)MathF.Round(shift);
                lineShift[CropSide + along] = (int)MathF.Round(1 + shift) - 1;
            }
            for (var offset = 2; offset < span - 2; offset++)
            {
                if (offset >= acrossStart && offset < acrossEnd)
                {
                    // A line through the face counts on neither side.
                    continue;
                }
                long sum = 0;
                var points = 0;
                var shifts = lineShift.AsSpan((offset & 1) * CropSide, length);
                for (var along = 1; along < length - 1; along++)
                {
                    var across = offset + shifts[along];
                    if ((uint)(across - 1) >= (uint)(span - 2)
                        || (along >= faceAlongStart && along < faceAlongEnd && across >= faceAcrossStart && across < faceAcrossEnd))
                    {
                        continue;
                    }
                    sum += gradient[(across * acrossStride) + (along * alongStride)];
                    points++;
                }
                if (points < length / 2)
                {
                    continue;
                }
                var strength = Math.Abs((float)sum / points);
                if (offset < acrossStart)
                {
                    before = Math.Max(before, strength);
                }
                else if (offset >= acrossEnd)
                {
                    after = Math.Max(after, strength);
                }
            }
        }
    }

    private static int Luma(int blue, int green, int red) => ((29 * blue) + (150 * green) + (77 * red)) >> 8;

    private static float Percentile(int[] histogram, int count, double fraction)
    {
        var wanted = fraction * count;
        var seen = 0;
        for (var value = 0; value < histogram.Length; value++)
        {
            seen += histogram[value];
            if (seen >= wanted)
            {
                return value;
            }
        }
        return 255;
    }
}
