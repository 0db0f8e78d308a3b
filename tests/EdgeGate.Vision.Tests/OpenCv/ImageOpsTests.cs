using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Vision.Tests.OpenCv;

public sealed class ImageOpsTests
{
    [Fact]
    public void Bilinear_upscale_matches_hand_computed_values()
    {
        // 2x2 grey [[0, 100], [100, 200]] is the plane v = 100 x + 100 y on pixel centres. Upscaled
        // 2x, destination pixel i samples source coordinate (i + 0.5) / 2 - 0.5, clamped at the edges:
        // 0, 0.25, 0.75, 1; so v = 100 (fx + fy).
        byte[] source = [0, 100, 100, 200];
        var destination = new byte[16];

        ImageOps.Resize(Gray(source, 2, 2), Gray(destination, 4, 4));

        double[] f = [0, 0.25, 0.75, 1];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                Assert.Equal((byte)(100 * (f[x] + f[y])), destination[(y * 4) + x]);
            }
        }
    }

    [Fact]
    public void Bilinear_downscale_by_two_averages_pixel_pairs_per_channel_and_honours_strides()
    {
        // A 4x2 BGR region inside a wider buffer (stride 20 instead of 12), halved to 2x1 in a
        // destination with its own padding: (x + 0.5) * 2 - 0.5 = 0.5 and 2.5, so each output pixel
        // is the mean of a 2x2 block.
        const int stride = 20;
        var source = new byte[stride * 2];
        Array.Fill(source, (byte)77); // padding that must not leak in
        byte[][] rows =
        [
            [10, 20, 30, 30, 40, 50, 100, 0, 200, 200, 0, 100],
            [10, 20, 30, 30, 40, 50, 100, 0, 200, 200, 0, 100],
        ];
        rows[0].CopyTo(source, 0);
        rows[1].CopyTo(source, stride);
        var destination = new byte[8];

        ImageOps.Resize(
            new ReadOnlyImageSpan(source, 4, 2, stride, PixelFormat.Bgr24),
            new ImageSpan(destination, 2, 1, 8, PixelFormat.Bgr24));

        Assert.Equal(new byte[] { 20, 30, 40, 150, 0, 150 }, destination[..6]);
        Assert.Equal(new byte[] { 0, 0 }, destination[6..]);
    }

    [Fact]
    public void Bgr_to_gray_uses_the_bt601_weights()
    {
        // Y = 0.299 R + 0.587 G + 0.114 B, rounded.
        byte[] bgr = [0, 0, 255, 0, 255, 0, 255, 0, 0, 10, 20, 30, 255, 255, 255];
        var gray = new byte[5];

        ImageOps.ToGray(new ReadOnlyImageSpan(bgr, 5, 1, 15, PixelFormat.Bgr24), Gray(gray, 5, 1));

        Assert.Equal(new byte[] { 76, 150, 29, 22, 255 }, gray);
    }

    [Fact]
    public void Bgr_to_rgb_swaps_channels_also_in_place()
    {
        byte[] bgr = [1, 2, 3, 4, 5, 6];
        var rgb = new byte[6];

        ImageOps.ToRgb(new ReadOnlyImageSpan(bgr, 2, 1, 6, PixelFormat.Bgr24), new ImageSpan(rgb, 2, 1, 6, PixelFormat.Rgb24));
        ImageOps.ConvertColor(
            new ReadOnlyImageSpan(bgr, 2, 1, 6, PixelFormat.Bgr24), new ImageSpan(bgr, 2, 1, 6, PixelFormat.Rgb24));

        Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4 }, rgb);
        Assert.Equal(new byte[] { 3, 2, 1, 6, 5, 4 }, bgr);
    }

    [Fact]
    public void Warp_affine_translation_moves_pixels_and_fills_the_border_with_zero()
    {
        var source = Enumerable.Range(1, 16).Select(v => (byte)(v * 10)).ToArray(); // 4x4 grey
        var destination = new byte[16];
        Array.Fill(destination, (byte)255);

        ImageOps.WarpAffine(Gray(source, 4, 4), Gray(destination, 4, 4), AffineTransform.Translation(1, 2));

        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                var expected = x >= 1 && y >= 2 ? source[((y - 2) * 4) + (x - 1)] : 0;
                Assert.Equal(expected, destination[(y * 4) + x]);
            }
        }
    }

    [Fact]
    public void Warp_affine_scale_by_two_interpolates_bilinearly_from_a_cropped_bgr_source()
    {
        // Source: a 2x2 BGR crop at (1, 1) of a 4x4 BGR image; warp with scale 2 into 4x4, so
        // destination (x, y) samples source (x / 2, y / 2).
        using var image = BgrImage.Create(4, 4);
        image.Pixels.Fill(99); // everything outside the crop must not matter
        var crop = image.AsSpan().Slice(1, 1, 2, 2);
        byte[] block = [0, 40, 80, 40, 80, 120];
        block.CopyTo(crop.Row(0));
        byte[] block2 = [80, 120, 160, 120, 160, 200];
        block2.CopyTo(crop.Row(1));
        var destination = new byte[4 * 4 * 3];

        ImageOps.WarpAffine(crop, new ImageSpan(destination, 4, 4, 12, PixelFormat.Bgr24), AffineTransform.Scale(2));

        byte[] Pixel(int x, int y) => destination.AsSpan((y * 12) + (x * 3), 3).ToArray();
        Assert.Equal(new byte[] { 0, 40, 80 }, Pixel(0, 0));          // source (0, 0)
        Assert.Equal(new byte[] { 20, 60, 100 }, Pixel(1, 0));        // halfway between (0,0) and (1,0)
        Assert.Equal(new byte[] { 60, 100, 140 }, Pixel(1, 1));       // centre of the 2x2 block
        Assert.Equal(new byte[] { 120, 160, 200 }, Pixel(2, 2));      // source (1, 1)
        Assert.Equal(new byte[] { 60, 80, 100 }, Pixel(3, 2));        // half of (1, 1), half border 0
    }

    [Fact]
    public void Mismatched_layouts_are_argument_errors_before_any_native_call()
    {
        var small = new byte[10];
        Assert.Throws<ArgumentException>(() => new ImageSpan(small, 4, 4, 4, PixelFormat.Gray8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSpan(small, 4, 1, 3, PixelFormat.Gray8));
        var gray = new byte[16];
        var bgr = new byte[48];
        Assert.Throws<ArgumentException>(() => ImageOps.Resize(Gray(gray, 4, 4), new ImageSpan(bgr, 4, 4, 12, PixelFormat.Bgr24)));
        Assert.Throws<ArgumentException>(() => ImageOps.ToRgb(Gray(gray, 4, 4), new ImageSpan(bgr, 4, 4, 12, PixelFormat.Rgb24)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSpan(bgr, 4, 4, 12, PixelFormat.Bgr24).Slice(2, 2, 3, 1));
    }

    [Fact]
    public void Resize_and_convert_reuse_destination_buffers_without_allocating()
    {
        using var frame = ImageCodecTests.NoiseImage(320, 240);
        var small = new byte[64 * 64 * 3];
        var gray = new byte[64 * 64];
        // Warm up for half a second, past tiered compilation's call counting and re-JIT: with a single
        // warm-up call, one run of the whole project saw 3776 bytes allocated on this thread in the loop below.
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 500)
        {
            ImageOps.Resize(frame.AsReadOnlySpan(), new ImageSpan(small, 64, 64, 192, PixelFormat.Bgr24));
            ImageOps.ToGray(new ReadOnlyImageSpan(small, 64, 64, 192, PixelFormat.Bgr24), Gray(gray, 64, 64));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            ImageOps.Resize(frame.AsReadOnlySpan().Slice(10, 10, 200, 200), new ImageSpan(small, 64, 64, 192, PixelFormat.Bgr24));
            ImageOps.ToGray(new ReadOnlyImageSpan(small, 64, 64, 192, PixelFormat.Bgr24), Gray(gray, 64, 64));
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Contains(gray, value => value != 0);
    }

    [Fact]
    public void Native_argument_check_reports_a_readable_message()
    {
        // Layouts are checked managed-side first; an interpolation value the shim does not know
        // reaches the shim's own argument check.
        var source = new byte[16];
        var destination = new byte[4];
        var exception = Assert.Throws<OpenCvException>(
            () => ImageOps.Resize(Gray(source, 4, 4), Gray(destination, 2, 2), (Interpolation)42));
        Assert.Equal(OpenCvStatus.InvalidArgument, exception.Status);
        Assert.Contains("unknown interpolation 42", exception.Message, StringComparison.Ordinal);
    }

    private static ImageSpan Gray(byte[] data, int width, int height) => new(data, width, height, width, PixelFormat.Gray8);
}
