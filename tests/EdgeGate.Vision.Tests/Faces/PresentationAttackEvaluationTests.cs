using EdgeGate.Evaluation;
using EdgeGate.Imaging;
using EdgeGate.TestSupport;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class PresentationAttackEvaluationTests
{
    private static PresentationSample Sample(PresentationKind kind, float liveness, string identity = "ann", bool found = true) =>
        new($"{identity}.jpg", identity, kind, 0, found, liveness, new PresentationCues(0.3f, 150, 0.2f, 0.1f, 10, 5));

    [Fact]
    public void The_identity_split_is_disjoint_covers_everyone_and_balances_photo_counts()
    {
        var identities = new[] { "a", "a", "a", "a", "b", "b", "b", "c", "c", "d", "e" };
        var split = IdentitySplit.Of(identities);
        Assert.Empty(split.Fitting.Intersect(split.HeldOut));
        Assert.Equal(["a", "b", "c", "d", "e"], split.Fitting.Concat(split.HeldOut).Order());
        var fittingPhotos = identities.Count(split.Fitting.Contains);
        Assert.InRange(fittingPhotos - (identities.Length - fittingPhotos), -3, 3);
        var reversed = IdentitySplit.Of(identities.Reverse());
        Assert.Equal(split.Fitting, reversed.Fitting);
        Assert.Equal(split.HeldOut, reversed.HeldOut);
    }

    [Fact]
    public void Error_rates_count_attacks_taken_for_bona_fide_per_species_and_leave_faceless_presentations_apart()
    {
        var samples = new List<PresentationSample>
        {
            Sample(PresentationKind.BonaFide, 0.9f),
            Sample(PresentationKind.BonaFide, 0.9f),
            Sample(PresentationKind.BonaFide, 0.9f),
            Sample(PresentationKind.BonaFide, 0.2f),
            Sample(PresentationKind.BonaFide, 0f, found: false),
            Sample(PresentationKind.PrintedPhoto, 0.1f),
            Sample(PresentationKind.PrintedPhoto, 0.8f),
            Sample(PresentationKind.ScreenReplay, 0.1f),
            Sample(PresentationKind.ScreenReplay, 0.1f),
            Sample(PresentationKind.ScreenReplay, 0.1f),
            Sample(PresentationKind.ScreenReplay, 0f, found: false),
            Sample(PresentationKind.CutOut, 0.1f),
        };
        var rates = PresentationErrorRates.Of(samples, sample => sample.ProbabilityReal >= 0.5f);
        Assert.Equal(0.5, rates.Apcer[PresentationKind.PrintedPhoto]);
        Assert.Equal(0.0, rates.Apcer[PresentationKind.ScreenReplay]);
        Assert.Equal(0.0, rates.Apcer[PresentationKind.CutOut]);
        Assert.Equal(0.5, rates.ApcerMaximum);
        Assert.Equal(0.25, rates.Bpcer);
        Assert.Equal(1, rates.AttacksWithoutFace);
        Assert.Equal(1, rates.BonaFideWithoutFace);
        Assert.Equal(4, rates.Presentations[PresentationKind.ScreenReplay]);
    }

    [Fact]
    public void Logistic_regression_separates_a_separable_feature_and_keeps_both_classes_equal()
    {
        var features = Enumerable.Range(0, 40).Select(i => new[] { (i - 20) / 10.0 }).ToList();
        var labels = features.Select(row => row[0] > 0).ToList();
        var weights = LogisticRegression.Fit(features, labels, l2: 0.1);
        Assert.True(weights[1] > 1);
        Assert.True(LogisticRegression.Probability(weights, [1, 1.5]) > 0.9);
        Assert.True(LogisticRegression.Probability(weights, [1, -1.5]) < 0.1);
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(features, features.Select(_ => true).ToList()));
    }

    [Fact]
    public void Fitting_places_the_threshold_for_the_target_bpcer_on_the_fitting_presentations()
    {
        var random = new Random(3);
        var samples = new List<PresentationSample>();
        for (var i = 0; i < 100; i++)
        {
            samples.Add(Sample(PresentationKind.BonaFide, 0.4f + (0.6f * (float)random.NextDouble())));
            samples.Add(Sample(PresentationKind.PrintedPhoto, 0.6f * (float)random.NextDouble()));
        }
        var fit = PresentationCheckFitting.Fit(samples, targetBpcer: 0.03);
        var rejected = samples.Count(sample => !sample.IsAttack && fit.Weights.Score(sample.ProbabilityReal, sample.Cues) < fit.Threshold);
        Assert.Equal(3, rejected);
        Assert.Equal("print", Assert.Single(fit.Weights.Species).Species);
        Assert.True(fit.Weights.Species[0].Liveness > 0);
    }

    [Theory]
    [InlineData(PresentationCueSet.Scalar, 6)]
    [InlineData(PresentationCueSet.ScalarAndLuma, 16)]
    [InlineData(PresentationCueSet.All, 36)]
    public void A_fit_weighs_only_the_cues_of_its_set(PresentationCueSet cues, int weighed)
    {
        var random = new Random(5);
        var samples = new List<PresentationSample>();
        for (var i = 0; i < 60; i++)
        {
            // Every texture bin separates the classes, so a fit free to use a bin gives it weight.
            foreach (var attack in new[] { false, true })
            {
                var texture = default(ColourTexture);
                for (var bin = 0; bin < ColourTexture.Count; bin++)
                {
                    texture[bin] = (attack ? 0.6f : 0.2f) + (0.3f * (float)random.NextDouble());
                }
                var scalar = 0.3f + (0.1f * (float)random.NextDouble());
                samples.Add(new($"p{i}.jpg", $"p{i}", attack ? PresentationKind.ScreenReplay : PresentationKind.BonaFide, 0, true, 0.5f,
                    new PresentationCues(scalar, 150 * scalar, scalar, scalar, 10 * scalar, 5 * scalar, texture)));
            }
        }

        var weights = Assert.Single(PresentationCheckFitting.Fit(samples, l2: 1, cues: cues).Weights.Species).Cues;

        var allowed = PresentationCheckFitting.WeighedCues(cues);
        Assert.Equal(weighed, allowed.Count(weigh => weigh));
        for (var i = 0; i < weights.Count; i++)
        {
            Assert.True(allowed[i] || weights[i] == 0, $"{PresentationCues.Names[i]} is outside {cues} but weighs {weights[i]}");
        }
        Assert.All(Enumerable.Range(6, ColourTexture.Count).Where(i => allowed[i]), i => Assert.NotEqual(0, weights[i]));
    }

    [Fact]
    public void The_simulation_is_deterministic_per_seed_and_puts_attacks_in_a_camera_frame()
    {
        using var photo = Gradient(400, 500);
        var face = new PixelRectangle(120, 100, 160, 160);
        foreach (var kind in Enum.GetValues<PresentationKind>())
        {
            using var first = PresentationSimulator.Render(kind, photo.AsReadOnlySpan(), face, seed: 11);
            using var again = PresentationSimulator.Render(kind, photo.AsReadOnlySpan(), face, seed: 11);
            using var other = PresentationSimulator.Render(kind, photo.AsReadOnlySpan(), face, seed: 12);
            Assert.Equal(first.Frame.Pixels.ToArray(), again.Frame.Pixels.ToArray());
            Assert.NotEqual(first.Frame.Pixels.ToArray(), other.Frame.Pixels.ToArray());
            Assert.InRange(first.FaceSide, PresentationSimulator.MinimumFaceSide, PresentationSimulator.MaximumFaceSide);
            Assert.InRange(first.FaceCentre.X, 0, first.Frame.Width);
            Assert.InRange(first.FaceCentre.Y, 0, first.Frame.Height);
            if (kind == PresentationKind.BonaFide)
            {
                Assert.True(first.Frame.Width <= PresentationSimulator.SceneWidth && first.Frame.Height <= PresentationSimulator.SceneHeight);
            }
            else
            {
                Assert.Equal((PresentationSimulator.SceneWidth, PresentationSimulator.SceneHeight), (first.Frame.Width, first.Frame.Height));
            }
        }
    }

    [Fact]
    public void Seeds_do_not_depend_on_the_order_photos_are_read()
    {
        var seed = PresentationAttackEvaluation.StableSeed("a/b.jpg", PresentationKind.CutOut, 2, 1);
        Assert.Equal(seed, PresentationAttackEvaluation.StableSeed("a/b.jpg", PresentationKind.CutOut, 2, 1));
        Assert.NotEqual(seed, PresentationAttackEvaluation.StableSeed("a/b.jpg", PresentationKind.CutOut, 1, 1));
        Assert.NotEqual(seed, PresentationAttackEvaluation.StableSeed("a/b.jpg", PresentationKind.ScreenReplay, 2, 1));
    }

    private static BgrImage Gradient(int width, int height)
    {
        var image = BgrImage.Create(width, height);
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 7) % 251);
        }
        return image;
    }
}

/// <summary>Simulated presentations of real photos through the real pipeline.</summary>
[Collection(FacePipelineCollection.Name)]
public sealed class PresentationAttackFaceDataTests(FacePipelineFixture fixture)
{
    [FaceDataFact]
    public void Every_kind_of_presentation_of_a_labelled_photo_shows_its_face_where_it_was_put()
    {
        var root = RepositoryPaths.FaceData;
        var all = LabelledPhotoSet.Load(Path.Combine(root, "labels.csv"), root);
        var firstTwo = all.Photos.Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace).Take(2).ToList();
        var photos = LabelledPhotoSet.Parse(
            ["path,label,dup_of,multi_face", .. firstTwo.Select(photo => $"{photo.Path},{photo.Label},,0")], root);

        var samples = PresentationAttackEvaluation.Collect(fixture.Pipeline, photos, new PresentationAttackOptions { Variants = 1 });

        Assert.Equal(2 * 4, samples.Count);
        Assert.All(samples.Where(sample => sample.Kind != PresentationKind.ScreenReplay), sample => Assert.True(sample.FaceFound, $"{sample.Kind} of {sample.Path}"));
        Assert.All(samples.Where(sample => sample.FaceFound), sample => Assert.InRange(sample.Cues.Saturation, 0.01f, 1f));
        // The modelled infrared frame: a screen never shows the face; the bona fide face's grey copy does.
        Assert.All(samples.Where(sample => sample.Kind == PresentationKind.ScreenReplay), sample => Assert.False(sample.InfraredFace));
        Assert.All(samples.Where(sample => sample.Kind == PresentationKind.BonaFide), sample => Assert.True(sample.InfraredFace, sample.Path));
        // Deterministic: the same photos give the same scores.
        var again = PresentationAttackEvaluation.Collect(fixture.Pipeline, photos, new PresentationAttackOptions { Variants = 1 });
        Assert.Equal(samples.Select(sample => sample.ProbabilityReal), again.Select(sample => sample.ProbabilityReal));
    }
}
