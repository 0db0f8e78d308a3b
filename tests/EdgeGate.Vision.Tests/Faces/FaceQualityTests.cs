using System.Numerics;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class FaceQualityTests
{
    private static readonly FivePoints Frontal = new(new(40, 50), new(72, 50), new(56, 68), new(43, 88), new(69, 88));

    [Fact]
    public void Flat_image_has_zero_sharpness_and_a_fine_pattern_more_than_its_blurred_copy()
    {
        const int Size = 32;
        var flat = Enumerable.Repeat((byte)128, Size * Size).ToArray();
        Assert.Equal(0.0, SharpnessMeasure.VarianceOfLaplacian(flat, Size, Size, Size));

        var sharp = new byte[Size * Size];
        var blurred = new byte[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                sharp[(y * Size) + x] = (byte)(((x / 2) + (y / 2)) % 2 == 0 ? 30 : 220);
            }
        }
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var sum = 0;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        sum += sharp[(Math.Clamp(y + dy, 0, Size - 1) * Size) + Math.Clamp(x + dx, 0, Size - 1)];
                    }
                }
                blurred[(y * Size) + x] = (byte)(sum / 9);
            }
        }

        var sharpness = SharpnessMeasure.VarianceOfLaplacian(sharp, Size, Size, Size);
        var blurredSharpness = SharpnessMeasure.VarianceOfLaplacian(blurred, Size, Size, Size);
        Assert.True(sharpness > 4 * blurredSharpness, $"sharp {sharpness}, blurred {blurredSharpness}");
    }

    [Fact]
    public void Sharpness_respects_the_stride()
    {
        byte[] packed = [10, 200, 30, 40, 50, 60, 170, 80, 90, 15, 110, 120];
        var padded = new byte[(2 * 6) + 4];
        for (var y = 0; y < 3; y++)
        {
            packed.AsSpan(y * 4, 4).CopyTo(padded.AsSpan(y * 6));
            if (y < 2)
            {
                padded[(y * 6) + 4] = 255;
                padded[(y * 6) + 5] = 255;
            }
        }

        var expected = SharpnessMeasure.VarianceOfLaplacian(packed, 4, 3, 4);

        Assert.True(expected > 0);
        Assert.Equal(expected, SharpnessMeasure.VarianceOfLaplacian(padded, 4, 3, 6));
        Assert.Throws<ArgumentException>(() => SharpnessMeasure.VarianceOfLaplacian(padded, 4, 4, 6));
    }

    [Fact]
    public void Yaw_is_zero_for_a_symmetric_face_and_grows_with_the_nose_offset()
    {
        Assert.Equal(0.0, PoseEstimate.YawDegrees(Frontal), 6);

        var turned = Frontal with { Nose = Frontal.Nose + new Vector2(8, 0) };
        var yaw = PoseEstimate.YawDegrees(turned);
        Assert.Equal(Math.Atan(8.0 / 16.0) * 180 / Math.PI, yaw, 3);
        Assert.True(PoseEstimate.YawDegrees(Frontal with { Nose = Frontal.Nose - new Vector2(8, 0) }) < 0);
        Assert.Equal(1.0 - (yaw / 90.0), new FaceQuality(100, 100, yaw).Frontalness, 6);
    }

    [Fact]
    public void Yaw_ignores_head_roll()
    {
        var turned = Frontal with { Nose = Frontal.Nose + new Vector2(5, 0) };
        var roll = SimilarityTransform.Create(1.0, 0.5, 10, -3);
        var rolled = new FivePoints(roll.Apply(turned.EyeLeft), roll.Apply(turned.EyeRight), roll.Apply(turned.Nose), roll.Apply(turned.MouthLeft), roll.Apply(turned.MouthRight));

        Assert.Equal(PoseEstimate.YawDegrees(turned), PoseEstimate.YawDegrees(rolled), 3);
    }

    [Fact]
    public void Quality_score_ranks_size_sharpness_and_pose()
    {
        Assert.Equal(1.0, new FaceQuality(200, 500, 0).Score, 6);
        Assert.Equal(0.5, new FaceQuality(56, 500, 0).Score, 6);
        Assert.Equal(0.5 * 0.5, new FaceQuality(56, 75, 0).Score, 6);
        Assert.Equal(0.0, new FaceQuality(200, double.NaN, 0).Score);
        Assert.True(new FaceQuality(200, 500, 30).Score < new FaceQuality(200, 500, 10).Score);
    }

    [Theory]
    [InlineData(100, 120.0, 5.0, FaceQualityVerdict.Accepted)]
    [InlineData(40, 120.0, 5.0, FaceQualityVerdict.TooSmall)]
    [InlineData(100, 10.0, 5.0, FaceQualityVerdict.TooBlurred)]
    [InlineData(100, 120.0, -50.0, FaceQualityVerdict.TooTurned)]
    [InlineData(100, double.NaN, 0.0, FaceQualityVerdict.TooBlurred)]
    public void Gate_gives_the_reason(int size, double sharpness, double yaw, FaceQualityVerdict expected)
    {
        Assert.Equal(expected, new FaceQualityGate().Check(new FaceQuality(size, sharpness, yaw)));
    }

    [Fact]
    public void Enrolment_needs_exactly_one_good_face_and_the_gate_takes_the_largest_good_one()
    {
        var gate = new FaceQualityGate(new FaceQualityThresholds { MinimumSizePixels = 50 });
        var good = new FaceQuality(120, 200, 3);
        var small = new FaceQuality(30, 200, 3);
        var turned = new FaceQuality(200, 200, 60);

        Assert.Equal(FaceQualityVerdict.NoFace, gate.CheckSingle([]).Verdict);
        Assert.Equal(FaceQualityVerdict.SeveralFaces, gate.CheckSingle([good, small]).Verdict);
        Assert.Equal(new FaceQualityDecision(FaceQualityVerdict.Accepted, 0), gate.CheckSingle([good]));
        Assert.Equal(FaceQualityVerdict.TooSmall, gate.CheckSingle([small]).Verdict);

        Assert.Equal(new FaceQualityDecision(FaceQualityVerdict.Accepted, 2), gate.CheckBest([small, turned, good]));
        Assert.Equal(new FaceQualityDecision(FaceQualityVerdict.TooTurned, 1), gate.CheckBest([small, turned]));
        Assert.Contains("turned", gate.CheckBest([turned]).Describe(gate.Thresholds));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceQualityGate(new FaceQualityThresholds { MaximumYawDegrees = 0 }));
    }
}
