using System.Buffers;
using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Imaging;

/// <summary>
/// A BGR image (8 bits per channel, rows packed: stride = width * 3) in a buffer rented from the
/// shared array pool; dispose it to return the buffer. Not thread-safe.
/// </summary>
public sealed class BgrImage : IDisposable
{
    private byte[]? buffer;

    private BgrImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Stride = checked(width * 3);
        buffer = ArrayPool<byte>.Shared.Rent(checked(Stride * height));
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes per row (width * 3).</summary>
    public int Stride { get; }

    /// <summary>All pixels, row after row.</summary>
    public Span<byte> Pixels => Buffer.AsSpan(0, Stride * Height);

    private byte[] Buffer => buffer ?? throw new ObjectDisposedException(nameof(BgrImage));

    /// <summary>A black image.</summary>
    public static BgrImage Create(int width, int height)
    {
        var image = new BgrImage(width, height);
        image.Pixels.Clear();
        return image;
    }

    /// <summary>Decodes JPEG or PNG bytes (anything OpenCV reads) to BGR; undecodable data is an <see cref="OpenCvException"/>.</summary>
    public static BgrImage Decode(ReadOnlySpan<byte> encoded) => Decode(encoded, 0);

    /// <summary>
    /// Decodes like <see cref="Decode(ReadOnlySpan{byte})"/>, but a JPEG whose longer side is at least
    /// twice <paramref name="minimumLongSide"/> is decoded at 1/2, 1/4 or 1/8 of its size, as small as
    /// keeps the longer side at least <paramref name="minimumLongSide"/> (0: always full size). A 14 MP
    /// phone photo then decodes in a fraction of the time, with faces still hundreds of pixels wide.
    /// </summary>
    public static BgrImage Decode(ReadOnlySpan<byte> encoded, int minimumLongSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLongSide);
        var reduction = 1;
        if (minimumLongSide > 0 && JpegHeader.TryReadSize(encoded, out var encodedWidth, out var encodedHeight))
        {
            var longSide = Math.Max(encodedWidth, encodedHeight);
            while (reduction < 8 && longSide / (reduction * 2) >= minimumLongSide)
            {
                reduction *= 2;
            }
        }
        using var decoded = NativeMethods.DecodeImage(encoded, reduction, out var width, out var height);
        var image = new BgrImage(width, height);
        try
        {
            NativeMethods.CopyImage(decoded, image.AsSpan());
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>Reads and decodes an image file.</summary>
    public static BgrImage Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new OpenCvException($"cannot read image file {path}: {exception.Message}", exception);
        }
        try
        {
            return Decode(bytes);
        }
        catch (OpenCvException exception)
        {
            throw new OpenCvException($"{path}: {exception.Message}", exception);
        }
    }

    public ImageSpan AsSpan() => new(Pixels, Width, Height, Stride, PixelFormat.Bgr24);

    public ReadOnlyImageSpan AsReadOnlySpan() => AsSpan();

    public byte[] EncodeJpeg(int quality = 90) => ImageOps.EncodeJpeg(AsReadOnlySpan(), quality);

    public byte[] EncodePng() => ImageOps.EncodePng(AsReadOnlySpan());

    public void Dispose()
    {
        var rented = buffer;
        buffer = null;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
