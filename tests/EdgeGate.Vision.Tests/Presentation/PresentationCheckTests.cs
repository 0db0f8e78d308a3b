using EdgeGate.Imaging;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Tests.Presentation;

public sealed class PresentationCheckTests
{
    private static readonly PresentationCues Cues = new(0.35f, 170, 0.2f, 0.12f, 20, 12);
    private static readonly double[] Zeros = new double[PresentationCues.Count];
    private static readonly double[] Ones = [.. Enumerable.Repeat(1.0, PresentationCues.Count)];

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
            [new SpeciesWeights("print", Bias: 0, Liveness: 1, Cues: Zeros)],
            Zeros,
            Ones);
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
                new SpeciesWeights("print", Bias: 2, Liveness: 0, Cues: Zeros),
                new SpeciesWeights("screen", Bias: -1, Liveness: 0, Cues: Zeros),
            ],
            Zeros,
            Ones);
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

    [Theory]
    [InlineData(0b0000_0000, 0)]
    [InlineData(0b1111_1111, 8)]
    [InlineData(0b0000_1111, 4)]
    [InlineData(0b1000_0011, 3)]
    [InlineData(0b0101_0101, 9)]
    [InlineData(0b0010_0010, 9)]
    public void A_local_binary_pattern_falls_in_its_uniform_bin_or_the_non_uniform_one(int ring, int bin)
    {
        Assert.Equal(bin, ColourTexture.Pattern(ring));
    }

    [Fact]
    public void The_colour_texture_is_a_share_of_the_face_per_channel()
    {
        using var face = Textured(seed: 1, moire: false, blur: false);
        var figures = Figures(Measure(face));
        for (var channel = 0; channel < 3; channel++)
        {
            var sum = 0f;
            for (var bin = 0; bin < ColourTexture.BinsPerChannel; bin++)
            {
                sum += figures[6 + (channel * ColourTexture.BinsPerChannel) + bin];
            }
            Assert.Equal(1f, sum, 4);
        }
        Assert.Equal(PresentationCues.Count, PresentationCues.Names.Count);
    }

    [Fact]
    public void Moire_leaves_chroma_patterns_that_skin_with_fine_detail_does_not()
    {
        // Skin with brightness detail and smooth colour, and the same face recaptured from a screen:
        // a colour beat of the display's stripes a little over two camera pixels long.
        using var natural = Textured(seed: 1, moire: false, blur: false);
        using var recaptured = Textured(seed: 1, moire: true, blur: false);
        var naturalFigures = Figures(Measure(natural));
        var recapturedFigures = Figures(Measure(recaptured));
        float Flat(float[] figures, string channel) => figures[Index($"lbp_{channel}_8")];
        float Changing(float[] figures, string channel) => 1f - Flat(figures, channel);

        // Smooth chroma: nearly every neighbour's colour is at least the centre's (ties), one bin.
        Assert.True(Flat(naturalFigures, "cr") > 0.8f, $"natural Cr flat share {Flat(naturalFigures, "cr")}");
        Assert.True(Changing(recapturedFigures, "cr") > Changing(naturalFigures, "cr") + 0.4f, $"Cr {Changing(naturalFigures, "cr")} → {Changing(recapturedFigures, "cr")}");
        Assert.True(Changing(recapturedFigures, "cb") > Changing(naturalFigures, "cb") + 0.4f, $"Cb {Changing(naturalFigures, "cb")} → {Changing(recapturedFigures, "cb")}");
    }

    [Fact]
    public void Resampling_loses_the_fine_brightness_patterns_of_skin()
    {
        // A print or screen blurs what the camera sees again: fine detail gives way to smooth slopes,
        // whose patterns are uniform (one run of brighter neighbours).
        using var sharp = Textured(seed: 2, moire: false, blur: false);
        using var resampled = Textured(seed: 2, moire: false, blur: true);
        var sharpNonUniform = Figures(Measure(sharp))[Index("lbp_y_9")];
        var resampledNonUniform = Figures(Measure(resampled))[Index("lbp_y_9")];
        Assert.True(sharpNonUniform > 1.5f * resampledNonUniform, $"non-uniform luma patterns {sharpNonUniform} → {resampledNonUniform}");
    }

    [Fact]
    public void A_face_against_the_frames_corner_is_measured_inside_the_frame()
    {
        using var face = Textured(seed: 3, moire: false, blur: false);
        var corner = Figures(Measure(face, new PixelRectangle(500, 340, 140, 140)));
        Assert.All(corner, figure => Assert.True(float.IsFinite(figure)));
        Assert.True(corner[Index("lbp_cr_8")] > 0.8f, $"smooth chroma at the corner {corner[Index("lbp_cr_8")]}");
    }

    [Fact]
    public void Without_the_texture_the_meter_leaves_its_figures_zero_and_measures_the_rest_the_same()
    {
        using var face = Textured(seed: 1, moire: true, blur: false);
        var with = Figures(Measure(face));
        var without = Figures(Measure(face, new PixelRectangle(220, 140, 200, 200), measureTexture: false));
        Assert.Equal(with[..6], without[..6]);
        Assert.Contains(with[6..], figure => figure > 0);
        Assert.All(without[6..], figure => Assert.Equal(0f, figure));
        // The gate measures it only when the shipped check weighs it.
        Assert.Equal(PresentationCheckWeights.Shipped.UsesColourTexture, new FacePipelineOptions().ComputeColourTexture);
    }

    private static int Index(string name) => PresentationCues.Names.ToList().IndexOf(name);

    private static float[] Figures(PresentationCues cues)
    {
        var figures = new float[PresentationCues.Count];
        cues.CopyTo(figures);
        return figures;
    }

    /// <summary>
    /// A 640x480 frame, the face's square box as in <see cref="Measure(BgrImage)"/> filled with skin colour and grey
    /// noise of ±24 levels (fine detail, no colour change); optionally a colour beat of period 2.4 pixels
    /// (R, G, B a third of a period apart: a display's stripes beating with the camera's pixels), and
    /// optionally a 3x3 box blur of the brightness (a picture of a picture).
    /// </summary>
    private static BgrImage Textured(int seed, bool moire, bool blur)
    {
        const int Width = 640, Height = 480;
        var random = new Random(seed);
        var grey = new float[Width * Height];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = random.Next(-24, 25);
        }
        if (blur)
        {
            var blurred = new float[grey.Length];
            for (var y = 1; y < Height - 1; y++)
            {
                for (var x = 1; x < Width - 1; x++)
                {
                    float sum = 0;
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            sum += grey[((y + dy) * Width) + x + dx];
                        }
                    }
                    blurred[(y * Width) + x] = sum / 9;
                }
            }
            grey = blurred;
        }
        var image = BgrImage.Create(Width, Height);
        var pixels = image.Pixels;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var phase = 2 * Math.PI * x / 2.4;
                double Beat(int stripe) => moire ? 18 * Math.Sin(phase + (stripe * 2 * Math.PI / 3)) : 0;
                var index = ((y * Width) + x) * 3;
                pixels[index] = (byte)Math.Clamp(120 + grey[(y * Width) + x] + Beat(2), 0, 255);
                pixels[index + 1] = (byte)Math.Clamp(150 + grey[(y * Width) + x] + Beat(1), 0, 255);
                pixels[index + 2] = (byte)Math.Clamp(200 + grey[(y * Width) + x] + Beat(0), 0, 255);
            }
        }
        return image;
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

    private static PresentationCues Measure(BgrImage image) => Measure(image, new PixelRectangle(220, 140, 200, 200));

    private static PresentationCues Measure(BgrImage image, PixelRectangle square, bool measureTexture = true)
    {
        var frame = image.AsReadOnlySpan();
        var cropRectangle = FaceGeometry.ScaledCrop(square, 2.7f, image.Width, image.Height);
        using var crop = BgrImage.Create(128, 128);
        ImageOps.Resize(frame.Slice(cropRectangle.X, cropRectangle.Y, cropRectangle.Width, cropRectangle.Height), crop.AsSpan());
        return new PresentationCueMeter(measureTexture).Measure(frame, square, crop.AsReadOnlySpan(), cropRectangle);
    }
}
