using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Imaging;

namespace EdgeGate.Vision.Presentation;

/// <summary>
/// Image figures of one face in one frame that tell a live face from a photo or a screen, besides
/// the liveness model. Each has a reason to differ on an artefact:
/// <list type="bullet">
/// <item><see cref="Saturation"/>: mean colour saturation of the face's skin (ink on paper is duller than skin under light).</item>
/// <item><see cref="BlackLevel"/>, <see cref="Range"/>: 2nd percentile and 2nd–98th percentile spread of the face's brightness
/// (paper neither absorbs nor reflects fully; a screen's reflection lifts its blacks).</item>
/// <item><see cref="ChromaRipple"/>: colour change between neighbouring pixels relative to brightness change (a display's
/// R, G, B stripes sampled by the camera leave colour fringes and moiré; skin's colour changes slowly).</item>
/// <item><see cref="ChromaBands"/>: the same four pixels apart (moiré's colour bands are several pixels wide).</item>
/// <item><see cref="Warmth"/>: mean (red − blue) / (red + green + blue) of the face (skin is warm; a display's white point is
/// bluer than indoor light).</item>
/// <item><see cref="Detail"/>: mean brightness change between neighbouring face pixels relative to the face's range (a print
/// or a display loses fine detail to its own resolution and the camera's focus).</item>
/// <item><see cref="Periodicity"/>: strongest repetition of the face's fine brightness detail at a lag of 2–8 pixels
/// (moiré beats, print halftone).</item>
/// <item><see cref="Glare"/>: share of the liveness crop at near white in all channels (specular reflection on glass or gloss paper).</item>
/// <item><see cref="EdgeStrongest"/>, <see cref="EdgeSecond"/>: the strongest and second-strongest long straight edges beside the
/// face on different sides in the liveness crop (a paper's edge, a phone's bezel), in grey levels.</item>
/// </list>
/// </summary>
public readonly record struct PresentationCues(
    float Saturation,
    float BlackLevel,
    float Range,
    float ChromaRipple,
    float ChromaBands,
    float Warmth,
    float Detail,
    float Periodicity,
    float Glare,
    float EdgeStrongest,
    float EdgeSecond)
{
    /// <summary>Number of figures in <see cref="CopyTo"/>.</summary>
    public const int Count = 11;

    /// <summary>Names of the figures in <see cref="CopyTo"/> order (reports, the fitted weights).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["saturation", "black_level", "range", "chroma_ripple", "chroma_bands", "warmth", "detail", "periodicity", "glare", "edge_strongest", "edge_second"];

    public void CopyTo(Span<float> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"room for {Count} figures needed", nameof(destination));
        }
        destination[0] = Saturation;
        destination[1] = BlackLevel;
        destination[2] = Range;
        destination[3] = ChromaRipple;
        destination[4] = ChromaBands;
        destination[5] = Warmth;
        destination[6] = Detail;
        destination[7] = Periodicity;
        destination[8] = Glare;
        destination[9] = EdgeStrongest;
        destination[10] = EdgeSecond;
    }
}

/// <summary>
/// Measures <see cref="PresentationCues"/> for a face: the face figures on the frame's own pixels
/// (a grid of at most 64x64 samples over the middle of the square box, each with its right and lower
/// neighbour, so fine detail is kept whatever the face size), the context figures on the liveness
/// crop the liveness model already resized. Allocates nothing; not thread-safe (one per pipeline).
/// </summary>
public sealed class PresentationCueMeter
{
    private const int Grid = 64;
    private const int CropSide = 128;
    private const int MinimumLag = 2;
    private const int MaximumLag = 8;
    private const int BandDistance = 4;

    // Tangents of the line angles searched (about ±12°): sheets and phones are rarely held straighter than that.
    private static readonly float[] Slopes = [-0.2f, -0.1f, 0f, 0.1f, 0.2f];

    private readonly int[] histogram = new int[256];
    private readonly short[] fineDetail = new short[Grid * Grid];
    private readonly byte[] luma = new byte[CropSide * CropSide];
    private readonly short[] gradientX = new short[CropSide * CropSide];
    private readonly short[] gradientY = new short[CropSide * CropSide];

    /// <summary>
    /// The cues of the face in <paramref name="squareBox"/> of <paramref name="frame"/>, with
    /// <paramref name="crop"/> the liveness model's input (BGR, any size up to 128x128) cut from
    /// <paramref name="cropInFrame"/> of the frame.
    /// </summary>
    public PresentationCues Measure(ReadOnlyImageSpan frame, PixelRectangle squareBox, ReadOnlyImageSpan crop, PixelRectangle cropInFrame)
    {
        FaceDetector.RequireBgr(frame);
        FaceDetector.RequireBgr(crop);
        if (squareBox.IsEmpty || cropInFrame.IsEmpty)
        {
            throw new ArgumentException("empty face box or crop");
        }
        var face = FaceFigures(frame, squareBox);
        var (glare, strongest, second) = ContextFigures(crop, squareBox, cropInFrame);
        return new PresentationCues(face.Saturation, face.Black, face.Range, face.Ripple, face.Bands, face.Warmth, face.Detail, face.Periodicity, glare, strongest, second);
    }

    private (float Saturation, float Black, float Range, float Ripple, float Bands, float Warmth, float Detail, float Periodicity) FaceFigures(ReadOnlyImageSpan frame, PixelRectangle box)
    {
        // The middle 60% of the square box: skin, eyes, nose, mouth; little hair or background.
        var inset = box.Width / 5;
        var left = Math.Clamp(box.X + inset, 0, Math.Max(0, frame.Width - BandDistance - 2));
        var top = Math.Clamp(box.Y + inset, 0, Math.Max(0, frame.Height - BandDistance - 2));
        var right = Math.Max(left + 1, Math.Min(box.Right - inset, frame.Width - BandDistance - 1));
        var bottom = Math.Max(top + 1, Math.Min(box.Bottom - inset, frame.Height - BandDistance - 1));
        var columns = Math.Min(Grid, right - left);
        var rows = Math.Min(Grid, bottom - top);
        var stepX = (float)(right - left) / columns;
        var stepY = (float)(bottom - top) / rows;

        Array.Clear(histogram);
        double saturationSum = 0;
        double warmthSum = 0;
        long lumaChange = 0;
        long chromaChange = 0;
        long lumaBand = 0;
        long chromaBand = 0;
        var data = frame.Data;
        var stride = frame.Stride;
        for (var row = 0; row < rows; row++)
        {
            var y = top + (int)(row * stepY);
            for (var column = 0; column < columns; column++)
            {
                var x = left + (int)(column * stepX);
                var index = (y * stride) + (x * 3);
                int b = data[index], g = data[index + 1], r = data[index + 2];
                int rightB = data[index + 3], rightG = data[index + 4], rightR = data[index + 5];
                int belowB = data[index + stride], belowG = data[index + stride + 1], belowR = data[index + stride + 2];
                var y0 = Luma(b, g, r);
                var yRight = Luma(rightB, rightG, rightR);
                var yBelow = Luma(belowB, belowG, belowR);
                histogram[y0]++;
                var maximum = Math.Max(b, Math.Max(g, r));
                var minimum = Math.Min(b, Math.Min(g, r));
                saturationSum += maximum == 0 ? 0 : (double)(maximum - minimum) / maximum;
                warmthSum += (double)(r - b) / (r + g + b + 1);
                lumaChange += Math.Abs(yRight - y0) + Math.Abs(yBelow - y0);
                chromaChange += Math.Abs((rightR - rightG) - (r - g)) + Math.Abs((rightB - rightG) - (b - g))
                    + Math.Abs((belowR - belowG) - (r - g)) + Math.Abs((belowB - belowG) - (b - g));
                // The same a few pixels away: moiré bands are several pixels wide.
                var farRight = index + (BandDistance * 3);
                var farBelow = index + (BandDistance * stride);
                int farRightB = data[farRight], farRightG = data[farRight + 1], farRightR = data[farRight + 2];
                int farBelowB = data[farBelow], farBelowG = data[farBelow + 1], farBelowR = data[farBelow + 2];
                lumaBand += Math.Abs(Luma(farRightB, farRightG, farRightR) - y0) + Math.Abs(Luma(farBelowB, farBelowG, farBelowR) - y0);
                chromaBand += Math.Abs((farRightR - farRightG) - (r - g)) + Math.Abs((farRightB - farRightG) - (b - g))
                    + Math.Abs((farBelowR - farBelowG) - (r - g)) + Math.Abs((farBelowB - farBelowG) - (b - g));
                // Fine detail: the pixel against the mean of its right and lower neighbours.
                fineDetail[(row * Grid) + column] = (short)((2 * y0) - yRight - yBelow);
            }
        }
        var count = rows * columns;
        var black = Percentile(histogram, count, 0.02);
        var white = Percentile(histogram, count, 0.98);
        var ripple = (float)(chromaChange / (2.0 * lumaChange + count));
        var bands = (float)(chromaBand / (2.0 * lumaBand + count));
        var detail = (float)(lumaChange / (2.0 * count) / (white - black + 1));
        return ((float)(saturationSum / count), black, white - black, ripple, bands, (float)(warmthSum / count), detail, Periodicity(rows, columns));
    }

    /// <summary>The largest normalised autocorrelation of the detail rows at lags 2–8 (0 for flat faces).</summary>
    private float Periodicity(int rows, int columns)
    {
        if (columns <= MaximumLag * 2)
        {
            return 0f;
        }
        long energy = 0;
        Span<long> correlation = stackalloc long[MaximumLag + 1];
        correlation.Clear();
        for (var row = 0; row < rows; row++)
        {
            var line = fineDetail.AsSpan(row * Grid, columns);
            for (var x = 0; x < columns; x++)
            {
                energy += line[x] * line[x];
            }
            for (var lag = MinimumLag; lag <= MaximumLag; lag++)
            {
                long sum = 0;
                for (var x = 0; x + lag < columns; x++)
                {
                    sum += line[x] * line[x + lag];
                }
                correlation[lag] += sum;
            }
        }
        if (energy == 0)
        {
            return 0f;
        }
        long best = 0;
        for (var lag = MinimumLag; lag <= MaximumLag; lag++)
        {
            best = Math.Max(best, correlation[lag]);
        }
        return (float)best / energy;
    }

    private (float Glare, float Strongest, float Second) ContextFigures(ReadOnlyImageSpan crop, PixelRectangle box, PixelRectangle cropInFrame)
    {
        var width = Math.Min(crop.Width, CropSide);
        var height = Math.Min(crop.Height, CropSide);
        var bright = 0;
        for (var y = 0; y < height; y++)
        {
            var row = crop.Row(y);
            for (var x = 0; x < width; x++)
            {
                int b = row[x * 3], g = row[(x * 3) + 1], r = row[(x * 3) + 2];
                luma[(y * CropSide) + x] = (byte)Luma(b, g, r);
                if (b >= 240 && g >= 240 && r >= 240)
                {
                    bright++;
                }
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
        sides.Clear();
        LineSearch(gradientY, width, height, faceLeft, faceRight, faceTop, faceBottom, horizontal: true, out sides[0], out sides[1]);
        LineSearch(gradientX, width, height, faceTop, faceBottom, faceLeft, faceRight, horizontal: false, out sides[2], out sides[3]);
        sides.Sort();
        return ((float)bright / (width * height), sides[3], sides[2]);
    }

    /// <summary>
    /// The strongest straight edge before and after the face across the crop: for each slope and
    /// offset, the mean signed gradient along the line over the points outside the face (at least
    /// half the crop's length), so one long edge of steady contrast scores high and texture cancels.
    /// </summary>
    private static void LineSearch(short[] gradient, int width, int height, float alongStart, float alongEnd, float acrossStart, float acrossEnd, bool horizontal, out float before, out float after)
    {
        before = 0f;
        after = 0f;
        var length = horizontal ? width : height;
        var span = horizontal ? height : width;
        var middle = length / 2f;
        foreach (var slope in Slopes)
        {
            for (var offset = 2; offset < span - 2; offset++)
            {
                long sum = 0;
                var points = 0;
                for (var along = 1; along < length - 1; along++)
                {
                    var across = (int)MathF.Round(offset + (slope * (along - middle)));
                    if (across < 1 || across >= span - 1)
                    {
                        continue;
                    }
                    if (along >= alongStart && along < alongEnd && across >= acrossStart && across < acrossEnd)
                    {
                        continue;
                    }
                    sum += horizontal ? gradient[(across * CropSide) + along] : gradient[(along * CropSide) + across];
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
