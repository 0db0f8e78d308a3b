using EdgeGate.Imaging;

namespace EdgeGate.Evaluation;

/// <summary>
/// A BGR image with float channels (0–255, may leave the range until <see cref="ToBgrImage"/>
/// clamps), for building simulated presentations: bilinear sampling, separable Gaussian blur,
/// additive noise. Not for the gate's hot path.
/// </summary>
internal sealed class FloatImage
{
    public FloatImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Data = new float[checked(width * height * 3)];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Pixels row by row, B, G, R per pixel.</summary>
    public float[] Data { get; }

    public static FloatImage FromBgr(ReadOnlyImageSpan source)
    {
        if (source.Format != PixelFormat.Bgr24)
        {
            throw new ArgumentException($"BGR expected, not {source.Format}", nameof(source));
        }
        var image = new FloatImage(source.Width, source.Height);
        for (var y = 0; y < source.Height; y++)
        {
            var row = source.Row(y);
            var offset = y * source.Width * 3;
            for (var i = 0; i < row.Length; i++)
            {
                image.Data[offset + i] = row[i];
            }
        }
        return image;
    }

    /// <summary>Resizes a BGR image (area averaging when shrinking, bilinear when enlarging) into a float image.</summary>
    public static FloatImage Resized(ReadOnlyImageSpan source, int width, int height)
    {
        if (width == source.Width && height == source.Height)
        {
            return FromBgr(source);
        }
        using var resized = BgrImage.Create(width, height);
        var shrinking = width < source.Width || height < source.Height;
        ImageOps.Resize(source, resized.AsSpan(), shrinking ? Interpolation.Area : Interpolation.Linear);
        return FromBgr(resized.AsReadOnlySpan());
    }

    public BgrImage ToBgrImage()
    {
        var image = BgrImage.Create(Width, Height);
        CopyTo(image.Pixels);
        return image;
    }

    /// <summary>The pixels as bytes (rounded, clamped to 0–255), rows packed at width * 3.</summary>
    public void CopyTo(Span<byte> pixels)
    {
        if (pixels.Length < Data.Length)
        {
            throw new ArgumentException($"room for {Data.Length} bytes needed", nameof(pixels));
        }
        for (var i = 0; i < Data.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp((int)MathF.Round(Data[i]), 0, 255);
        }
    }

    public void Fill(float blue, float green, float red)
    {
        for (var i = 0; i < Data.Length; i += 3)
        {
            Data[i] = blue;
            Data[i + 1] = green;
            Data[i + 2] = red;
        }
    }

    /// <summary>Bilinear sample at (<paramref name="x"/>, <paramref name="y"/>) in pixel-centre coordinates, clamped at the border.</summary>
    public void Sample(float x, float y, Span<float> bgr)
    {
        var fx = Math.Clamp(x, 0f, Width - 1f);
        var fy = Math.Clamp(y, 0f, Height - 1f);
        var x0 = (int)fx;
        var y0 = (int)fy;
        var x1 = Math.Min(x0 + 1, Width - 1);
        var y1 = Math.Min(y0 + 1, Height - 1);
        var ax = fx - x0;
        var ay = fy - y0;
        var i00 = ((y0 * Width) + x0) * 3;
        var i01 = ((y0 * Width) + x1) * 3;
        var i10 = ((y1 * Width) + x0) * 3;
        var i11 = ((y1 * Width) + x1) * 3;
        for (var c = 0; c < 3; c++)
        {
            var top = Data[i00 + c] + ((Data[i01 + c] - Data[i00 + c]) * ax);
            var bottom = Data[i10 + c] + ((Data[i11 + c] - Data[i10 + c]) * ax);
            bgr[c] = top + ((bottom - top) * ay);
        }
    }

    /// <summary>Separable Gaussian blur in place (kernel radius 3σ, border replicated); σ below 0.2 does nothing.</summary>
    public void GaussianBlur(float sigma)
    {
        if (sigma < 0.2f)
        {
            return;
        }
        var radius = Math.Max(1, (int)MathF.Ceiling(3 * sigma));
        var kernel = new float[(2 * radius) + 1];
        float sum = 0;
        for (var i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = MathF.Exp(-(i * i) / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= sum;
        }
        var line = new float[Math.Max(Width, Height) * 3];
        for (var y = 0; y < Height; y++)
        {
            BlurLine(kernel, line, start: y * Width * 3, step: 3, count: Width);
        }
        for (var x = 0; x < Width; x++)
        {
            BlurLine(kernel, line, start: x * 3, step: Width * 3, count: Height);
        }
    }

    /// <summary>Convolves one row or column (<paramref name="count"/> pixels, <paramref name="step"/> floats apart) with the kernel.</summary>
    private void BlurLine(float[] kernel, float[] line, int start, int step, int count)
    {
        var radius = kernel.Length / 2;
        for (var i = 0; i < count; i++)
        {
            var index = start + (i * step);
            line[i * 3] = Data[index];
            line[(i * 3) + 1] = Data[index + 1];
            line[(i * 3) + 2] = Data[index + 2];
        }
        for (var i = 0; i < count; i++)
        {
            float b = 0, g = 0, r = 0;
            for (var k = -radius; k <= radius; k++)
            {
                var source = Math.Clamp(i + k, 0, count - 1) * 3;
                var weight = kernel[k + radius];
                b += line[source] * weight;
                g += line[source + 1] * weight;
                r += line[source + 2] * weight;
            }
            var index = start + (i * step);
            Data[index] = b;
            Data[index + 1] = g;
            Data[index + 2] = r;
        }
    }

    /// <summary>Adds Gaussian noise of <paramref name="sigma"/> grey levels, independent per channel (a sensor).</summary>
    public void AddNoise(Random random, float sigma)
    {
        if (sigma <= 0)
        {
            return;
        }
        // A table of normal samples read at pseudo-random places (xorshift): the per-value cost of
        // Box–Muller dominated the simulation.
        var table = NoiseTable;
        var state = (uint)random.Next() | 1u;
        for (var i = 0; i < Data.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            Data[i] += sigma * table[state & (NoiseTableSize - 1)];
        }
    }

    private const int NoiseTableSize = 1 << 16;

    private static readonly float[] NoiseTable = CreateNoiseTable();

    private static float[] CreateNoiseTable()
    {
        var random = new Random(20261207);
        var table = new float[NoiseTableSize];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = Gaussian(random);
        }
        return table;
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public static float Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
