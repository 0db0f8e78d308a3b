using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Vision.Tests.OpenCv;

public sealed class ImageCodecTests
{
    [Fact]
    public void Jpeg_round_trip_stays_close_to_the_original()
    {
        using var original = BgrImage.Create(64, 48);
        var pixels = original.Pixels;
        for (var y = 0; y < 48; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var offset = (y * original.Stride) + (x * 3);
                pixels[offset] = (byte)(x * 4);           // blue grows to the right
                pixels[offset + 1] = (byte)(y * 5);       // green grows downwards
                pixels[offset + 2] = (byte)(200 - (x + y)); // red falls along the diagonal
            }
        }

        var jpeg = original.EncodeJpeg(quality: 95);
        Assert.Equal([0xFF, 0xD8], jpeg[..2]);
        using var decoded = BgrImage.Decode(jpeg);

        Assert.Equal((64, 48), (decoded.Width, decoded.Height));
        var totalDifference = 0L;
        var maximumDifference = 0;
        for (var i = 0; i < original.Pixels.Length; i++)
        {
            var difference = Math.Abs(original.Pixels[i] - decoded.Pixels[i]);
            totalDifference += difference;
            maximumDifference = Math.Max(maximumDifference, difference);
        }
        var meanDifference = (double)totalDifference / original.Pixels.Length;
        Assert.True(meanDifference < 2.0, $"mean difference {meanDifference:F2}");
        Assert.True(maximumDifference <= 16, $"max difference {maximumDifference}");
    }

    [Theory]
    [InlineData(640, 480, 0, 640, 480)]
    [InlineData(640, 480, 200, 320, 240)]
    [InlineData(1600, 2400, 300, 200, 300)]
    [InlineData(4096, 512, 100, 512, 64)]
    [InlineData(640, 480, 400, 640, 480)]
    public void A_large_jpeg_is_decoded_reduced_but_never_below_the_asked_long_side(int width, int height, int minimumLongSide, int expectedWidth, int expectedHeight)
    {
        using var original = BgrImage.Create(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var offset = (y * original.Stride) + (x * 3);
                original.Pixels[offset] = (byte)(x / 8 % 2 * 200);
                original.Pixels[offset + 1] = 90;
                original.Pixels[offset + 2] = (byte)(y / 8 % 2 * 200);
            }
        }
        var jpeg = original.EncodeJpeg(quality: 90);

        Assert.True(JpegHeader.TryReadSize(jpeg, out var headerWidth, out var headerHeight));
        Assert.Equal((width, height), (headerWidth, headerHeight));
        using var decoded = BgrImage.Decode(jpeg, minimumLongSide);

        Assert.Equal((expectedWidth, expectedHeight), (decoded.Width, decoded.Height));
        // Still the same picture: green stays near 90 (the stripes are in red and blue; JPEG blurs colours a little).
        var middle = (decoded.Height / 2 * decoded.Stride) + (decoded.Width / 2 * 3);
        Assert.InRange(decoded.Pixels[middle + 1], 50, 130);
    }

    [Fact]
    public void The_jpeg_header_reader_refuses_what_is_not_a_jpeg_frame()
    {
        using var image = BgrImage.Create(8, 8);
        Assert.False(JpegHeader.TryReadSize(image.EncodePng(), out _, out _));
        Assert.False(JpegHeader.TryReadSize([], out _, out _));
        Assert.False(JpegHeader.TryReadSize([0xFF, 0xD8, 0xFF, 0xD9], out _, out _));
        var jpeg = image.EncodeJpeg(quality: 90);
        Assert.False(JpegHeader.TryReadSize(jpeg.AsSpan(0, 40), out _, out _));
        Assert.True(JpegHeader.TryReadSize(jpeg, out var width, out var height));
        Assert.Equal((8, 8), (width, height));
    }

    [Fact]
    public void Lower_jpeg_quality_gives_fewer_bytes()
    {
        using var image = NoiseImage(96, 96);
        Assert.True(image.EncodeJpeg(30).Length < image.EncodeJpeg(95).Length);
    }

    [Fact]
    public void Hand_written_png_decodes_to_exact_bgr_pixels()
    {
        // 3x2 RGB PNG written here byte by byte (independent of OpenCV's encoder).
        byte[][] rgbRows =
        [
            [255, 0, 0, 0, 255, 0, 0, 0, 255],
            [10, 20, 30, 255, 255, 255, 0, 0, 0],
        ];
        var png = WritePng(3, 2, rgbRows);

        using var image = BgrImage.Decode(png);

        Assert.Equal((3, 2, 9), (image.Width, image.Height, image.Stride));
        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                var rgb = rgbRows[y].AsSpan(x * 3, 3);
                var bgr = image.Pixels.Slice((y * image.Stride) + (x * 3), 3);
                Assert.Equal([rgb[2], rgb[1], rgb[0]], bgr.ToArray());
            }
        }
    }

    [Fact]
    public void Png_encoding_is_lossless()
    {
        using var image = NoiseImage(33, 17);
        using var decoded = BgrImage.Decode(image.EncodePng());
        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
    }

    [Fact]
    public void Load_reads_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegate-load-{Guid.NewGuid():N}.png");
        try
        {
            using (var image = NoiseImage(20, 10))
            {
                File.WriteAllBytes(path, image.EncodePng());
            }
            using var loaded = BgrImage.Load(path);
            Assert.Equal((20, 10), (loaded.Width, loaded.Height));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Corrupt_image_is_an_OpenCvException_with_a_readable_message_and_the_next_call_works()
    {
        var garbage = Encoding.ASCII.GetBytes("this is not an image at all, just text pretending");
        var brokenPng = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 9 };

        var first = Assert.Throws<OpenCvException>(() => BgrImage.Decode(garbage));
        var second = Assert.Throws<OpenCvException>(() => BgrImage.Decode(brokenPng));
        var empty = Assert.Throws<OpenCvException>(() => BgrImage.Decode([]));

        Assert.Contains("egcv_image_decode", first.Message, StringComparison.Ordinal);
        Assert.Contains("could not decode", first.Message, StringComparison.Ordinal);
        Assert.Equal(OpenCvStatus.Error, first.Status);
        Assert.Contains("egcv_image_decode", second.Message, StringComparison.Ordinal);
        Assert.Equal(OpenCvStatus.InvalidArgument, empty.Status);
        Assert.Contains("no image data", empty.Message, StringComparison.Ordinal);

        using var image = NoiseImage(8, 8);
        using var decoded = BgrImage.Decode(image.EncodePng());
        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
    }

    [Fact]
    public void Missing_file_is_an_OpenCvException_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegate-missing-{Guid.NewGuid():N}.jpg");
        var exception = Assert.Throws<OpenCvException>(() => BgrImage.Load(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    internal static BgrImage NoiseImage(int width, int height)
    {
        var image = BgrImage.Create(width, height);
        new Random(width * 1000 + height).NextBytes(image.Pixels);
        return image;
    }

    private static byte[] WritePng(int width, int height, byte[][] rgbRows)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        WriteChunk(output, "IHDR", header);
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var row in rgbRows)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(row);
            }
        }
        WriteChunk(output, "IDAT", raw.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        output.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in bytes)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
