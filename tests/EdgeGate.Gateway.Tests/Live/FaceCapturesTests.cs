using System.Drawing;
using EdgeGate.Imaging;
using EdgeGate.Recognition;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>The ring of recent face crops the recognition loop feeds for enrolment at the gate camera.</summary>
public sealed class FaceCapturesTests
{
    private const int MinimumFaceSize = 60;

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly FaceCaptures captures;
    private readonly byte[] pixels = new byte[1280 * 720 * 3];

    public FaceCapturesTests()
    {
        captures = new FaceCaptures(["gate"], MinimumFaceSize, time);
        new Random(7).NextBytes(pixels);
    }

    private ReadOnlyImageSpan Frame => new(pixels, 1280, 720, 1280 * 3, PixelFormat.Bgr24);

    private static FaceObservation Face(float x, float y, int size, bool accepted = true) =>
        new(new RectangleF(x, y, size, size), size, accepted, ReadOnlyMemory<float>.Empty, null);

    private void Offer(params FaceObservation[] faces)
    {
        captures.Offer("gate", Frame, faces, time.GetUtcNow());
        time.Advance(TimeSpan.FromMilliseconds(125));
    }

    [Fact]
    public void The_best_recent_crop_is_sharp_before_large_and_the_largest_of_the_sharp_ones()
    {
        Assert.Null(captures.TakeBest("gate"));
        Offer(Face(600, 300, 120));
        Offer(Face(602, 301, 150, accepted: false));
        Offer(Face(604, 302, 130));
        Offer(Face(606, 303, 110));

        var best = captures.TakeBest("gate");
        Assert.NotNull(best);
        Assert.Equal((130, 1, true), (best.FaceSizePixels, best.FacesInView, best.QualityAccepted));
        using var image = BgrImage.Decode(best.Jpeg);
        Assert.Equal((260, 260), (image.Width, image.Height));
        Assert.False(captures.HasCamera("garage"));
        Assert.Null(captures.TakeBest("garage"));
    }

    [Fact]
    public void Faces_below_tracked_size_are_not_in_view_and_several_faces_are_counted()
    {
        Offer(Face(100, 100, 40));
        Assert.Null(captures.TakeBest("gate"));
        Offer(Face(600, 300, 120), Face(100, 100, 80), Face(900, 100, 30));
        var best = captures.TakeBest("gate");
        Assert.Equal((120, 2), (best!.FaceSizePixels, best.FacesInView));
    }

    [Fact]
    public void The_ring_empties_once_the_face_is_gone_and_old_crops_are_never_used()
    {
        Offer(Face(600, 300, 120));
        Offer();
        Assert.NotNull(captures.TakeBest("gate"));
        time.Advance(FaceCaptures.LostAfter);
        Offer();
        Assert.Null(captures.TakeBest("gate"));

        Offer(Face(600, 300, 120));
        Assert.NotNull(captures.TakeBest("gate"));
        time.Advance(FaceCaptures.KeptFor);
        Assert.Null(captures.TakeBest("gate"));
    }

    [Fact]
    public void Another_face_in_another_place_replaces_the_crops_of_the_one_before()
    {
        Offer(Face(100, 100, 200));
        Offer(Face(800, 300, 100, accepted: false));
        var best = captures.TakeBest("gate");
        Assert.Equal((100, false), (best!.FaceSizePixels, best.QualityAccepted));
    }

    [Fact]
    public void A_large_face_is_kept_scaled_to_the_maximum_side()
    {
        Offer(Face(340, 60, 600));
        var best = captures.TakeBest("gate");
        using var image = BgrImage.Decode(best!.Jpeg);
        Assert.True(Math.Max(image.Width, image.Height) <= FaceCaptures.MaximumCropSide, $"{image.Width}x{image.Height}");
        Assert.True(best.FaceSizePixels < 600 && best.FaceSizePixels >= 300, $"{best.FaceSizePixels}");
    }
}
