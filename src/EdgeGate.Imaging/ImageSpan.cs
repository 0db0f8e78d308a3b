namespace EdgeGate.Imaging;

/// <summary>
/// A writable view of pixels in memory someone else owns: width, height, stride (bytes per row,
/// at least width times the bytes per pixel) and format. A region of an image is a view with the
/// same stride (<see cref="Slice"/>), so crops cost nothing.
/// </summary>
public readonly ref struct ImageSpan
{
    public ImageSpan(Span<byte> data, int width, int height, int stride, PixelFormat format)
    {
        ImageLayout.Validate(data.Length, width, height, stride, format);
        Data = data[..ImageLayout.RequiredLength(width, height, stride, format)];
        Width = width;
        Height = height;
        Stride = stride;
        Format = format;
    }

    /// <summary>Rows of pixels; the last row is not padded to the stride.</summary>
    public Span<byte> Data { get; }

    public int Width { get; }

    public int Height { get; }

    public int Stride { get; }

    public PixelFormat Format { get; }

    public int Channels => Format.BytesPerPixel();

    /// <summary>The pixels of row <paramref name="y"/> (without padding).</summary>
    public Span<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Data.Slice(y * Stride, Width * Channels);
    }

    /// <summary>The region at (<paramref name="x"/>, <paramref name="y"/>) of the given size, sharing this memory.</summary>
    public ImageSpan Slice(int x, int y, int width, int height)
    {
        ImageLayout.ValidateRegion(Width, Height, x, y, width, height);
        return new ImageSpan(Data[(y * Stride + x * Channels)..], width, height, Stride, Format);
    }

    public static implicit operator ReadOnlyImageSpan(ImageSpan image) =>
        new(image.Data, image.Width, image.Height, image.Stride, image.Format);
}

/// <summary>A read-only view of pixels; see <see cref="ImageSpan"/>.</summary>
public readonly ref struct ReadOnlyImageSpan
{
    public ReadOnlyImageSpan(ReadOnlySpan<byte> data, int width, int height, int stride, PixelFormat format)
    {
        ImageLayout.Validate(data.Length, width, height, stride, format);
        Data = data[..ImageLayout.RequiredLength(width, height, stride, format)];
        Width = width;
        Height = height;
        Stride = stride;
        Format = format;
    }

    public ReadOnlySpan<byte> Data { get; }

    public int Width { get; }

    public int Height { get; }

    public int Stride { get; }

    public PixelFormat Format { get; }

    public int Channels => Format.BytesPerPixel();

    public ReadOnlySpan<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Data.Slice(y * Stride, Width * Channels);
    }

    public ReadOnlyImageSpan Slice(int x, int y, int width, int height)
    {
        ImageLayout.ValidateRegion(Width, Height, x, y, width, height);
        return new ReadOnlyImageSpan(Data[(y * Stride + x * Channels)..], width, height, Stride, Format);
    }
}

internal static class ImageLayout
{
    internal static int RequiredLength(int width, int height, int stride, PixelFormat format) =>
        checked(((height - 1) * stride) + (width * format.BytesPerPixel()));

    internal static void Validate(int length, int width, int height, int stride, PixelFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var rowLength = checked(width * format.BytesPerPixel());
        if (stride < rowLength)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"stride is less than width * bytes per pixel = {rowLength}");
        }
        var required = RequiredLength(width, height, stride, format);
        if (length < required)
        {
            throw new ArgumentException($"{length} bytes cannot hold a {width}x{height} {format} image with stride {stride} ({required} needed)");
        }
    }

    internal static void ValidateRegion(int imageWidth, int imageHeight, int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > imageWidth || y + height > imageHeight)
        {
            throw new ArgumentOutOfRangeException(
                nameof(x), $"region {width}x{height} at ({x}, {y}) is not inside the {imageWidth}x{imageHeight} image");
        }
    }
}
