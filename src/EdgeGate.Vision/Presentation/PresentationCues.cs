using System.Runtime.CompilerServices;
using EdgeGate.Imaging;
using EdgeGate.Vision.Faces;

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
/// <item><see cref="Texture"/>: colour texture, local binary pattern histograms of the face in the luma and both chroma
/// channels (recapture through paper or a screen changes the fine texture and, above all, the chroma's: halftone,
/// sub-pixel stripes, moiré, the loss of detail).</item>
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
    float EdgeSecond,
    ColourTexture Texture = default)
{
    /// <summary>Number of scalar figures before the texture's bins in <see cref="CopyTo"/>.</summary>
    private const int ScalarCount = 6;

    /// <summary>Number of figures in <see cref="CopyTo"/>.</summary>
    public const int Count = ScalarCount + ColourTexture.Count;

    /// <summary>Names of the figures in <see cref="CopyTo"/> order (reports, the fitted weights).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["saturation", "range", "chroma_ripple", "warmth", "edge_strongest", "edge_second", .. ColourTexture.Names];

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
        Texture.CopyTo(destination[ScalarCount..]);
    }
}

/// <summary>
/// Colour texture of a face (Boulkenafet, Komulainen and Hadid, "Face anti-spoofing based on color
/// texture analysis", 2015): for each of luma Y and chroma Cr, Cb, the share of the face's sample
/// points whose 8 neighbours (radius 1 pixel) form each rotation-invariant uniform local binary
/// pattern (LBP riu2: the number of neighbours at least as bright as the centre, 0–8, when the ring
/// changes at most twice between darker and brighter; bin 9 for every other ring). Skin's chroma
/// varies slowly and smoothly; a print's halftone and a screen's sub-pixels, resampled by the camera,
/// leave chroma patterns that change from pixel to pixel. Only comparisons count, so Cr and Cb are
/// taken as R − Y and B − Y (the same order as the scaled and offset channels).
/// </summary>
[InlineArray(Count)]
public struct ColourTexture
{
    /// <summary>Bins per channel: patterns with 0–8 brighter neighbours, then non-uniform patterns.</summary>
    public const int BinsPerChannel = 10;

    /// <summary>Number of bins: Y, Cr, Cb.</summary>
    public const int Count = 3 * BinsPerChannel;

    private float bin;

    /// <summary>Names of the bins (<c>lbp_y_0</c> … <c>lbp_cb_9</c>).</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. new[] { "y", "cr", "cb" }.SelectMany(channel => Enumerable.Range(0, BinsPerChannel).Select(pattern => $"lbp_{channel}_{pattern}"))];

    /// <summary>The bin of a ring of 8 comparisons (bit k set: neighbour k at least the centre).</summary>
    public static int Pattern(int ring)
    {
        var rotated = ((ring << 1) | (ring >> 7)) & 0xff;
        var transitions = int.PopCount(ring ^ rotated);
        return transitions <= 2 ? int.PopCount(ring) : BinsPerChannel - 1;
    }

    public readonly void CopyTo(Span<float> destination)
    {
        ReadOnlySpan<float> bins = this;
        bins.CopyTo(destination);
    }
}

/// <summary>
/// Measures <see cref="PresentationCues"/> for a face: the face figures on the frame's own pixels
/// (a grid of at most 64x64 samples over the middle of the square box, each with its right and lower
/// neighbour, so fine detail is kept whatever the face size), the colour texture on the same grid
/// (each sample with its 8 neighbours) when asked for, the edge figures on the liveness crop the
/// liveness model already resized. Allocates nothing; not thread-safe (one per pipeline).
/// </summary>
/// <param name="measureTexture">Measure the colour texture (else its figures are zero): only where it is weighed or reported.</param>
public sealed class PresentationCueMeter(bool measureTexture = true)
{
    private const int Grid = 64;
    private const int CropSide = 128;

    // Tangents of the line angles searched (about ±12°): sheets and phones are rarely held straighter than that.
    private static readonly float[] Slopes = [-0.2f, -0.1f, 0f, 0.1f, 0.2f];

    // The colour texture's bin of each ring of 8 comparisons.
    private static readonly byte[] PatternBins = [.. Enumerable.Range(0, 256).Select(ring => (byte)ColourTexture.Pattern(ring))];

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
        var texture = !measureTexture || frame.Width < 3 || frame.Height < 3 ? default : Texture(frame, squareBox);
        return new PresentationCues(saturation, range, ripple, warmth, strongest, second, texture);
    }

    /// <summary>
    /// The sample grid over the middle 60% of the square box (skin, eyes, nose, mouth; little hair or
    /// background), its columns' byte offsets written to <c>columnOffsets</c>, every sample with room
    /// for <paramref name="before"/> pixels to its left and above and one pixel to its right and below
    /// (the neighbours the figures compare it with).
    /// </summary>
    private (int Top, int Columns, int Rows, float StepY) SampleGrid(ReadOnlyImageSpan frame, PixelRectangle box, int before)
    {
        var inset = box.Width / 5;
        var left = Math.Clamp(box.X + inset, before, frame.Width - 2);
        var top = Math.Clamp(box.Y + inset, before, frame.Height - 2);
        var right = Math.Max(left + 1, Math.Min(box.Right - inset, frame.Width - 1));
        var bottom = Math.Max(top + 1, Math.Min(box.Bottom - inset, frame.Height - 1));
        var columns = Math.Min(Grid, right - left);
        var rows = Math.Min(Grid, bottom - top);
        var stepX = (float)(right - left) / columns;
        for (var column = 0; column < columns; column++)
        {
            columnOffsets[column] = (left + (int)(column * stepX)) * 3;
        }
        return (top, columns, rows, (float)(bottom - top) / rows);
    }

    private (float Saturation, float Range, float Ripple, float Warmth) FaceFigures(ReadOnlyImageSpan frame, PixelRectangle box)
    {
        // Each sample with its right and lower neighbour.
        var (top, columns, rows, stepY) = SampleGrid(frame, box, before: 0);

        Array.Clear(histogram);
        double saturationSum = 0;
        double warmthSum = 0;
        long lumaChange = 0;
        long chromaChange = 0;
        var data = frame.Data;
        var stride = frame.Stride;
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

    /// <summary>The <see cref="ColourTexture"/> of the face: each grid sample with its 8 neighbours in the frame.</summary>
    private ColourTexture Texture(ReadOnlyImageSpan frame, PixelRectangle box)
    {
        var (top, columns, rows, stepY) = SampleGrid(frame, box, before: 1);
        var data = frame.Data;
        var stride = frame.Stride;
        // Neighbours in ring order (right, then clockwise on screen), as byte offsets from the centre.
        Span<int> ring = [3, stride + 3, stride, stride - 3, -3, -stride - 3, -stride, -stride + 3];
        Span<int> counts = stackalloc int[ColourTexture.Count];
        for (var row = 0; row < rows; row++)
        {
            var rowStart = (top + (int)(row * stepY)) * stride;
            for (var column = 0; column < columns; column++)
            {
                var centre = rowStart + columnOffsets[column];
                int b = data[centre], g = data[centre + 1], r = data[centre + 2];
                var y = Luma(b, g, r);
                int cr = r - y, cb = b - y;
                int lumaRing = 0, redRing = 0, blueRing = 0;
                for (var k = 0; k < 8; k++)
                {
                    var index = centre + ring[k];
                    int nb = data[index], ng = data[index + 1], nr = data[index + 2];
                    var ny = Luma(nb, ng, nr);
                    lumaRing |= (ny >= y ? 1 : 0) << k;
                    redRing |= (nr - ny >= cr ? 1 : 0) << k;
                    blueRing |= (nb - ny >= cb ? 1 : 0) << k;
                }
                counts[PatternBins[lumaRing]]++;
                counts[ColourTexture.BinsPerChannel + PatternBins[redRing]]++;
                counts[(2 * ColourTexture.BinsPerChannel) + PatternBins[blueRing]]++;
            }
        }
        var texture = default(ColourTexture);
        var samples = (float)(rows * columns);
        for (var i = 0; i < ColourTexture.Count; i++)
        {
            texture[i] = counts[i] / samples;
        }
        return texture;
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
