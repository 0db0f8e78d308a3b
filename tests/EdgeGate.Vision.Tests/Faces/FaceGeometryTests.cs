using System.Numerics;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class FaceGeometryTests
{
    [Fact]
    public void Square_box_takes_the_height_and_keeps_the_centre()
    {
        var square = FaceGeometry.SquareBox(new FaceBox(100.5f, 50.5f, 180.5f, 170.5f), 640, 480);

        Assert.Equal(new PixelRectangle(80, 50, 120, 120), square);
    }

    [Fact]
    public void Box_partly_outside_the_frame_is_clipped_inside_it()
    {
        var square = FaceGeometry.SquareBox(new FaceBox(-30f, -12f, 50f, 90f), 320, 240);

        Assert.True(square.IsInside(320, 240));
        Assert.Equal(new PixelRectangle(0, 0, 61, 90), square);

        var bottomRight = FaceGeometry.SquareBox(new FaceBox(290f, 200f, 330f, 260f), 320, 240);
        Assert.True(bottomRight.IsInside(320, 240));
        Assert.Equal(240, bottomRight.Bottom);
        Assert.Equal(320, bottomRight.Right);
    }

    [Fact]
    public void Box_entirely_outside_the_frame_is_empty()
    {
        Assert.True(FaceGeometry.SquareBox(new FaceBox(400f, 10f, 450f, 60f), 320, 240).IsEmpty);
        Assert.True(FaceGeometry.SquareBox(new FaceBox(10f, 30f, 40f, 30f), 320, 240).IsEmpty);
    }

    [Fact]
    public void Liveness_crop_is_scaled_clamped_to_the_frame_and_shifted_inside_without_padding()
    {
        var centred = FaceGeometry.ScaledCrop(new PixelRectangle(300, 200, 40, 40), 2.7f, 640, 480);
        Assert.Equal(new PixelRectangle(266, 166, 108, 108), centred);

        var nearEdge = FaceGeometry.ScaledCrop(new PixelRectangle(5, 5, 100, 100), 2.7f, 640, 480);
        Assert.Equal(new PixelRectangle(0, 0, 270, 270), nearEdge);

        var tooBig = FaceGeometry.ScaledCrop(new PixelRectangle(200, 100, 300, 300), 2.7f, 640, 480);
        Assert.Equal(480, tooBig.Width);
        Assert.Equal(480, tooBig.Height);
        Assert.True(tooBig.IsInside(640, 480));
    }

    [Fact]
    public void Shift_inside_keeps_the_size_when_it_fits()
    {
        Assert.Equal(new PixelRectangle(0, 190, 50, 50), FaceGeometry.ShiftInside(new PixelRectangle(-20, 210, 50, 50), 320, 240));
        Assert.Equal(new PixelRectangle(0, 0, 320, 240), FaceGeometry.ShiftInside(new PixelRectangle(-5, -5, 400, 300), 320, 240));
    }

    [Fact]
    public void Landmarks_are_decoded_into_the_crop_and_reduced_to_five_points()
    {
        var output = new float[136];
        for (var index = 0; index < 68; index++)
        {
            output[2 * index] = index / 100f;
            output[(2 * index) + 1] = 0.5f;
        }
        var points = new Vector2[68];

        LandmarkDecoder.Decode(output, new PixelRectangle(10, 20, 200, 100), points);
        var layout = new LandmarkLayout([37, 38, 40, 41], [43, 44, 46, 47], [30], [48, 60], [54, 64]);
        layout.Validate(68);
        var five = layout.Reduce(points);

        Assert.Equal(70f, points[30].X, 3);
        Assert.Equal(70f, points[30].Y, 3);
        Assert.Equal(10 + (2 * 39f), five.EyeLeft.X, 3);
        Assert.Equal(10 + (2 * 45f), five.EyeRight.X, 3);
        Assert.Equal(10 + (2 * 54f), five.MouthLeft.X, 3);
        Assert.Equal(10 + (2 * 59f), five.MouthRight.X, 3);
        Assert.Equal(70f, five.Nose.Y, 3);
        Assert.Throws<InvalidDataException>(() => layout.Validate(40));
    }
}
