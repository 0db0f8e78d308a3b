namespace EdgeGate.Imaging;

/// <summary>Layout of one pixel: 8 bits per channel, interleaved.</summary>
public enum PixelFormat
{
    /// <summary>One grey byte per pixel.</summary>
    Gray8 = 1,

    /// <summary>Blue, green, red (OpenCV's native order).</summary>
    Bgr24 = 3,

    /// <summary>Red, green, blue.</summary>
    Rgb24 = 4,
}

public static class PixelFormatExtensions
{
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.Bgr24 or PixelFormat.Rgb24 => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };
}
