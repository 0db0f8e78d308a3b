using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Imaging;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Tests.Presentation;

public sealed class PresentationCheckTests
{
    private static readonly PresentationCues Cues = new(0.35f, 170, 0.2f, 0.12f, 20, 12);

    [Fact]
    public void Without_cues_the_liveness_model_alone_decides_at_its_threshold()
    {
        var check = new PresentationCheck(livenessThreshold: 0.5, checkThreshold: 0.9);
        Assert.True(check.Evaluate(0.6f, null).Passed);
        Assert.False(check.Evaluate(0.4f, null).Passed);
        var frame = check.Evaluate(0.6f, null);
        Assert.False(frame.CuesUsed);
        Assert.Equal(0.6f, frame.CheckScore);
    }

    [Fact]
    public void A_face_without_a_liveness_score_fails()
    {
        var check = new PresentationCheck(0, 0);
        Assert.False(check.Evaluate(null, Cues).Passed);
    }

    [Fact]
    public void With_cues_the_combined_score_decides_at_the_check_threshold()
    {
        var weights = new PresentationCheckWeights(
            [new SpeciesWeights("print", Bias: 0, Liveness: 1, Cues: [0, 0, 0, 0, 0, 0])],
            [0, 0, 0, 0, 0, 0],
            [1, 1, 1, 1, 1, 1]);
        // With only the liveness weight, the combined score is the model's P(real) again.
        var check = new PresentationCheck(livenessThreshold: 0.99, checkThreshold: 0.5, weights);
        var frame = check.Evaluate(0.7f, Cues);
        Assert.True(frame.CuesUsed);
        Assert.Equal(0.7, frame.CheckScore, 4);
        Assert.True(frame.Passed);
        Assert.False(check.Evaluate(0.3f, Cues).Passed);
    }

    [Fact]
    public void The_score_is_the_least_bona_fide_of_the_species_models()
    {
        var weights = new PresentationCheckWeights(
            [
                new SpeciesWeights("print", Bias: 2, Liveness: 0, Cues: [0, 0, 0, 0, 0, 0]),
                new SpeciesWeights("screen", Bias: -1, Liveness: 0, Cues: [0, 0, 0, 0, 0, 0]),
            ],
            [0, 0, 0, 0, 0, 0],
            [1, 1, 1, 1, 1, 1]);
        Assert.Equal(1 / (1 + Math.E), weights.Score(0.5f, Cues), 6);
    }

    [Fact]
    public void The_shipped_weights_are_complete()
    {
        PresentationCheckWeights.Shipped.Validate();
        Assert.Equal(3, PresentationCheckWeights.Shipped.Species.Count);
        Assert.InRange(PresentationCheckWeights.ShippedThreshold, 0.01, 0.99);
    }

    [Fact]
    public void Weights_of_the_wrong_shape_are_refused()
    {
        var wrong = new PresentationCheckWeights([new SpeciesWeights("print", 0, 1, [0, 0])], [0, 0], [1, 1]);
        Assert.Throws<ArgumentException>(() => new PresentationCheck(0.5, 0.5, wrong));
    }
}

public sealed class PresentationCueTests
{
    [Fact]
    public void A_grey_face_has_no_saturation_or_warmth_and_skin_is_warm()
    {
        using var grey = Scene(face: (128, 128, 128), background: (90, 90, 90), frameEdges: false);
        using var skin = Scene(face: (120, 150, 200), background: (90, 90, 90), frameEdges: false);
        var greyCues = Measure(grey);
        var skinCues = Measure(skin);
        Assert.Equal(0f, greyCues.Saturation, 3);
        Assert.Equal(0f, greyCues.Warmth, 3);
        Assert.InRange(skinCues.Saturation, 0.35f, 0.45f);
        Assert.InRange(skinCues.Warmth, 0.15f, 0.2f);
    }

    [Fact]
    public void A_frame_around_the_face_is_two_strong_straight_edges()
    {
        using var framed = Scene(face: (120, 150, 200), background: (200, 200, 200), frameEdges: true);
        using var open = Scene(face: (120, 150, 200), background: (200, 200, 200), frameEdges: false);
        var framedCues = Measure(framed);
        var openCues = Measure(open);
        Assert.True(framedCues.EdgeSecond > 50, $"framed {framedCues}");
        Assert.True(openCues.EdgeStrongest < 5, $"open {openCues}");
    }

    [Fact]
    public void Colour_stripes_leave_chroma_ripple_that_smooth_skin_does_not()
    {
        using var smooth = Scene(face: (120, 150, 200), background: (90, 90, 90), frameEdges: false);
        using var striped = Scene(face: (120, 150, 200), background: (90, 90, 90), frameEdges: false, stripes: true);
        Assert.True(Measure(striped).ChromaRipple > 3 * Measure(smooth).ChromaRipple + 0.5f);
    }

    /// <summary>A 640x480 frame with a round face (its square box 200 pixels) in the middle; optionally a dark frame around it (a bezel) and RGB stripes on the face.</summary>
    private static BgrImage Scene((byte B, byte G, byte R) face, (byte B, byte G, byte R) background, bool frameEdges, bool stripes = false)
    {
        var image = BgrImage.Create(640, 480);
        var pixels = image.Pixels;
        for (var y = 0; y < 480; y++)
        {
            for (var x = 0; x < 640; x++)
            {
                var colour = background;
                var inFace = ((x - 320) * (x - 320)) + ((y - 240) * (y - 240)) < 90 * 90;
                var onFrame = frameEdges && x >= 120 && x < 520 && y >= 40 && y < 440 && !(x >= 140 && x < 500 && y >= 60 && y < 420);
                if (onFrame)
                {
                    colour = (20, 20, 20);
                }
                else if (inFace)
                {
                    colour = face;
                    if (stripes)
                    {
                        colour = (x % 3) switch { 0 => ((byte)(face.B / 2), face.G, face.R), 1 => (face.B, (byte)(face.G / 2), face.R), _ => (face.B, face.G, (byte)(face.R / 2)) };
                    }
                }
                var index = ((y * 640) + x) * 3;
                pixels[index] = colour.B;
                pixels[index + 1] = colour.G;
                pixels[index + 2] = colour.R;
            }
        }
        return image;
    }

    private static PresentationCues Measure(BgrImage image)
    {
        var frame = image.AsReadOnlySpan();
        var square = new PixelRectangle(220, 140, 200, 200);
        var cropRectangle = FaceGeometry.ScaledCrop(square, 2.7f, image.Width, image.Height);
        using var crop = BgrImage.Create(128, 128);
        ImageOps.Resize(frame.Slice(cropRectangle.X, cropRectangle.Y, cropRectangle.Width, cropRectangle.Height), crop.AsSpan());
        return new PresentationCueMeter().Measure(frame, square, crop.AsReadOnlySpan(), cropRectangle);
    }
}
