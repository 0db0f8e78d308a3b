using System.Numerics;
using EdgeGate.Imaging;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

/// <summary>Faces cut by the frame edge: the mirrored landmark crop and the mirror-filled aligned face.</summary>
public sealed class CutFaceTests
{
    private static readonly Vector2[] Reference =
    [
        new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f), new(41.5493f, 92.3655f), new(70.7299f, 92.2041f),
    ];

    [Fact]
    public void Unclipped_square_box_equals_the_clipped_one_inside_the_frame_and_reaches_past_the_edge_otherwise()
    {
        var inside = new FaceBox(100.5f, 50.5f, 180.5f, 170.5f);
        Assert.Equal(FaceGeometry.SquareBox(inside, 640, 480), FaceGeometry.UnclippedSquareBox(inside));

        var cut = FaceGeometry.UnclippedSquareBox(new FaceBox(290f, -12f, 340f, 88f));
        Assert.Equal(new PixelRectangle(265, -12, 100, 100), cut);
        Assert.False(cut.IsInside(320, 240));
    }

    [Fact]
    public void Reflect_mirrors_indices_without_repeating_the_edge()
    {
        Assert.Equal([3, 2, 1, 0, 1, 2, 9, 8, 7, 6], new[] { -3, -2, -1, 0, 1, 2, 9, 10, 11, 12 }.Select(index => LandmarkDetector.Reflect(index, 10)));
        Assert.Equal(0, LandmarkDetector.Reflect(-4, 1));
    }

    [Fact]
    public void Reflected_resize_matches_OpenCV_for_a_box_inside_the_frame()
    {
        using var frame = NoiseImage(80, 60, seed: 7);
        var box = new PixelRectangle(13, 5, 47, 47);
        var expected = new byte[64 * 64 * 3];
        var actual = new byte[64 * 64 * 3];

        ImageOps.Resize(frame.AsReadOnlySpan().Slice(box.X, box.Y, box.Width, box.Height), Bgr(expected, 64, 64));
        LandmarkDetector.ResizeReflected(frame.AsReadOnlySpan(), box, Bgr(actual, 64, 64));

        // OpenCV clamps samples to the crop where the outermost pixels reach past it; the reflected
        // resize reads the frame there. Inside that rim both interpolate the same pixels.
        var largest = 0;
        for (var row = 1; row < 63; row++)
        {
            for (var index = 3; index < 63 * 3; index++)
            {
                largest = Math.Max(largest, Math.Abs(expected[(row * 192) + index] - actual[(row * 192) + index]));
            }
        }
        Assert.True(largest <= 1, $"largest difference {largest}");
    }

    [Fact]
    public void Reflected_resize_fills_past_the_edge_with_the_mirrored_frame()
    {
        using var frame = NoiseImage(10, 6, seed: 3);
        var box = new PixelRectangle(4, -2, 10, 10); // one to one: columns 4..13, rows -2..7
        var actual = new byte[10 * 10 * 3];

        LandmarkDetector.ResizeReflected(frame.AsReadOnlySpan(), box, Bgr(actual, 10, 10));

        for (var row = 0; row < 10; row++)
        {
            for (var column = 0; column < 10; column++)
            {
                var sourceX = LandmarkDetector.Reflect(box.X + column, 10);
                var sourceY = LandmarkDetector.Reflect(box.Y + row, 6);
                Assert.Equal(
                    frame.Pixels.Slice((sourceY * frame.Stride) + (sourceX * 3), 3).ToArray(),
                    actual.AsSpan((row * 30) + (column * 3), 3).ToArray());
            }
        }
    }

    [Fact]
    public void Aligned_pixels_outside_the_frame_are_mirrored_from_the_other_side_of_the_face()
    {
        // The five points sit exactly on the reference, so the alignment is the identity; the frame
        // is 60 pixels wide, so aligned columns from 60 on have no source and take their mirror image.
        using var frame = BgrImage.Create(60, 112);
        for (var y = 0; y < 112; y++)
        {
            for (var x = 0; x < 60; x++)
            {
                frame.Pixels.Slice((y * frame.Stride) + (x * 3), 3).Fill((byte)(40 + (3 * x)));
            }
        }
        var aligner = new FaceAligner(Reference, 112);
        var aligned = new byte[112 * 112 * 3];

        aligner.Align(frame.AsReadOnlySpan(), FivePoints.FromSpan(Reference), Bgr(aligned, 112, 112));

        var axis = (Reference[0].X + Reference[1].X + Reference[3].X + Reference[4].X) / 4f;
        for (var y = 0; y < 112; y++)
        {
            for (var x = 0; x < 112; x++)
            {
                var value = aligned[((y * 112) + x) * 3];
                var expected = x <= 59 ? 40 + (3 * x) : 40 + (3 * (int)MathF.Round((2 * axis) - x));
                Assert.True(value == expected, $"({x}, {y}) is {value}, expected {expected}");
            }
        }
    }

    [Fact]
    public void A_face_wholly_inside_the_frame_is_warped_unchanged()
    {
        using var frame = NoiseImage(200, 200, seed: 11);
        var aligner = new FaceAligner(Reference, 112);
        var points = FivePoints.FromSpan([.. Reference.Select(point => (point * 1.2f) + new Vector2(30, 25))]);
        var aligned = new byte[112 * 112 * 3];
        var plain = new byte[112 * 112 * 3];

        var transform = aligner.Align(frame.AsReadOnlySpan(), points, Bgr(aligned, 112, 112));
        var (m11, m12, m13, m21, m22, m23) = transform.ToMatrix();
        ImageOps.WarpAffine(frame.AsReadOnlySpan(), Bgr(plain, 112, 112), new AffineTransform(m11, m12, m13, m21, m22, m23));

        Assert.Equal(plain, aligned);
    }

    private static BgrImage NoiseImage(int width, int height, int seed)
    {
        var image = BgrImage.Create(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    private static ImageSpan Bgr(byte[] pixels, int width, int height) => new(pixels, width, height, width * 3, PixelFormat.Bgr24);
}
