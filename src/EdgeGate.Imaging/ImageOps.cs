using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Imaging;

/// <summary>Interpolation for resizing, as in OpenCV.</summary>
public enum Interpolation
{
    Nearest = 0,
    Linear = 1,

    /// <summary>Pixel-area averaging: the better choice for strong down-scaling.</summary>
    Area = 3,
}

/// <summary>
/// Image operations over caller-owned buffers (OpenCV through the shim). Nothing is allocated on the
/// managed heap, so a pipeline can run with destination buffers allocated once. Failures are
/// <see cref="OpenCvException"/>; mismatched layouts are <see cref="ArgumentException"/>.
/// </summary>
public static class ImageOps
{
    /// <summary>Resizes <paramref name="source"/> to the size of <paramref name="destination"/> (same format).</summary>
    public static void Resize(ReadOnlyImageSpan source, ImageSpan destination, Interpolation interpolation = Interpolation.Linear)
    {
        RequireSameFormat(source.Format, destination.Format);
        NativeMethods.Resize(source, destination, (int)interpolation);
    }

    /// <summary>BGR or RGB to grey (the weights follow the channel order), or grey to BGR.</summary>
    public static void ToGray(ReadOnlyImageSpan source, ImageSpan destination)
    {
        if (destination.Format != PixelFormat.Gray8)
        {
            throw new ArgumentException($"destination must be {PixelFormat.Gray8}, not {destination.Format}", nameof(destination));
        }
        ConvertColor(source, destination);
    }

    /// <summary>BGR to RGB.</summary>
    public static void ToRgb(ReadOnlyImageSpan source, ImageSpan destination)
    {
        if (source.Format != PixelFormat.Bgr24 || destination.Format != PixelFormat.Rgb24)
        {
            throw new ArgumentException($"ToRgb converts {PixelFormat.Bgr24} to {PixelFormat.Rgb24}, not {source.Format} to {destination.Format}");
        }
        ConvertColor(source, destination);
    }

    /// <summary>
    /// Converts between the formats (same size): BGR↔RGB, BGR→grey, RGB→grey, grey→BGR.
    /// Source and destination may be the same memory for BGR↔RGB.
    /// </summary>
    public static void ConvertColor(ReadOnlyImageSpan source, ImageSpan destination)
    {
        if (source.Width != destination.Width || source.Height != destination.Height)
        {
            throw new ArgumentException(
                $"colour conversion keeps the size: {source.Width}x{source.Height} to {destination.Width}x{destination.Height}");
        }
        var code = (source.Format, destination.Format) switch
        {
            (PixelFormat.Bgr24, PixelFormat.Rgb24) or (PixelFormat.Rgb24, PixelFormat.Bgr24) => 4,
            (PixelFormat.Bgr24, PixelFormat.Gray8) => 6,
            (PixelFormat.Rgb24, PixelFormat.Gray8) => 7,
            (PixelFormat.Gray8, PixelFormat.Bgr24) => 8,
            _ => throw new ArgumentException($"no conversion from {source.Format} to {destination.Format}"),
        };
        NativeMethods.ConvertColor(source, destination, code);
    }

    /// <summary>
    /// Warps <paramref name="source"/> into <paramref name="destination"/>: destination pixel (x, y)
    /// takes the bilinear sample of the source at the inverse of <paramref name="transform"/>;
    /// outside the source it is 0.
    /// </summary>
    public static void WarpAffine(ReadOnlyImageSpan source, ImageSpan destination, AffineTransform transform)
    {
        RequireSameFormat(source.Format, destination.Format);
        ReadOnlySpan<double> matrix = [transform.M11, transform.M12, transform.M13, transform.M21, transform.M22, transform.M23];
        NativeMethods.WarpAffine(source, destination, matrix);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the middle of <paramref name="destination"/> (same format,
    /// <paramref name="border"/> pixels larger on every side) and fills the border with the source's mean
    /// colour: a plain surround, neither black (which reads as a screen's bezel) nor a smear of the edge
    /// pixels (which reads as more face).
    /// </summary>
    public static void CopyWithBorder(ReadOnlyImageSpan source, ImageSpan destination, int border)
    {
        RequireSameFormat(source.Format, destination.Format);
        ArgumentOutOfRangeException.ThrowIfNegative(border);
        if (destination.Width != source.Width + (2 * border) || destination.Height != source.Height + (2 * border))
        {
            throw new ArgumentException(
                $"a {source.Width}x{source.Height} image with a border of {border} needs {source.Width + (2 * border)}x{source.Height + (2 * border)}, not {destination.Width}x{destination.Height}");
        }
        var channels = source.Channels;
        Span<long> sums = stackalloc long[channels];
        for (var y = 0; y < source.Height; y++)
        {
            var row = source.Row(y);
            for (var index = 0; index < row.Length; index++)
            {
                sums[index % channels] += row[index];
            }
        }
        Span<byte> fill = stackalloc byte[channels];
        var pixels = (long)source.Width * source.Height;
        for (var channel = 0; channel < channels; channel++)
        {
            fill[channel] = (byte)((sums[channel] + (pixels / 2)) / pixels);
        }
        for (var y = 0; y < destination.Height; y++)
        {
            var row = destination.Row(y);
            for (var index = 0; index < row.Length; index += channels)
            {
                fill.CopyTo(row[index..]);
            }
            var sourceY = y - border;
            if (sourceY >= 0 && sourceY < source.Height)
            {
                source.Row(sourceY).CopyTo(row[(border * channels)..]);
            }
        }
    }

    /// <summary>Encodes BGR (or grey) pixels as JPEG with <paramref name="quality"/> 1–100.</summary>
    public static byte[] EncodeJpeg(ReadOnlyImageSpan source, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        RequireEncodable(source.Format);
        return NativeMethods.EncodeImage(source, format: 1, quality);
    }

    /// <summary>Encodes BGR (or grey) pixels as PNG (lossless).</summary>
    public static byte[] EncodePng(ReadOnlyImageSpan source)
    {
        RequireEncodable(source.Format);
        return NativeMethods.EncodeImage(source, format: 2, quality: 0);
    }

    private static void RequireSameFormat(PixelFormat source, PixelFormat destination)
    {
        if (source != destination)
        {
            throw new ArgumentException($"source is {source} but destination is {destination}");
        }
    }

    private static void RequireEncodable(PixelFormat format)
    {
        if (format == PixelFormat.Rgb24)
        {
            throw new ArgumentException("encoders take BGR or grey pixels; convert RGB to BGR first");
        }
    }
}
