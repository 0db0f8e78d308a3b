using System.Numerics;
using EdgeGate.Imaging;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Evaluation;

/// <summary>How simulated presentations are built.</summary>
public sealed record PresentationAttackOptions
{
    /// <summary>Presentations per photo and kind (bona fide and each attack species), each with its own random parameters.</summary>
    public int Variants { get; init; } = 3;

    /// <summary>Seed of the whole run: the same seed, photos and models give the same figures.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>When set, every simulated frame is written there as PNG (to look at what was shown).</summary>
    public string? FramesDirectory { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Variants, 1, nameof(Variants));
    }
}

/// <summary>What the pipeline made of one simulated presentation.</summary>
/// <param name="Identity">The photo's label; the split into fitting and held-out identities goes by it.</param>
/// <param name="FaceFound">A face was found where the presentation put it.</param>
/// <param name="ProbabilityReal">The liveness model's P(real) (0 without a face).</param>
/// <param name="Cues">The image cues (default without a face).</param>
/// <param name="InfraredFace">
/// A face was found at the same place in the modelled near-infrared frame of a paired camera
/// (<see cref="PresentationAttackEvaluation.ModelledInfrared"/>): a model, not a measurement.
/// </param>
public sealed record PresentationSample(
    string Path,
    string Identity,
    PresentationKind Kind,
    int Variant,
    bool FaceFound,
    float ProbabilityReal,
    PresentationCues Cues,
    bool InfraredFace = false)
{
    public bool IsAttack => Kind != PresentationKind.BonaFide;
}

/// <summary>
/// ISO/IEC 30107-3 error rates of one presentation check over a set of presentations: APCER per
/// attack species (attacks taken for bona fide), the worst species, BPCER (bona fide taken for an
/// attack). A presentation without a face found is not a classification: attacks without a face
/// cannot open a door and are counted apart (<see cref="AttacksWithoutFace"/>), like bona fide ones
/// (<see cref="BonaFideWithoutFace"/>, a failure to acquire).
/// </summary>
public sealed record PresentationErrorRates(
    IReadOnlyDictionary<PresentationKind, double> Apcer,
    double ApcerMaximum,
    double Bpcer,
    IReadOnlyDictionary<PresentationKind, int> Presentations,
    int AttacksWithoutFace,
    int BonaFideWithoutFace)
{
    /// <summary>Rates of <paramref name="accepts"/> (true = taken for bona fide) over <paramref name="samples"/>.</summary>
    public static PresentationErrorRates Of(IEnumerable<PresentationSample> samples, Func<PresentationSample, bool> accepts)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(accepts);
        var apcer = new Dictionary<PresentationKind, double>();
        var counts = new Dictionary<PresentationKind, int>();
        var list = samples.ToList();
        foreach (var kind in Enum.GetValues<PresentationKind>())
        {
            var ofKind = list.Where(sample => sample.Kind == kind).ToList();
            counts[kind] = ofKind.Count;
            if (kind == PresentationKind.BonaFide)
            {
                continue;
            }
            apcer[kind] = ofKind.Count == 0 ? double.NaN : (double)ofKind.Count(sample => sample.FaceFound && accepts(sample)) / ofKind.Count;
        }
        var bonaFide = list.Where(sample => !sample.IsAttack && sample.FaceFound).ToList();
        var bpcer = bonaFide.Count == 0 ? double.NaN : (double)bonaFide.Count(sample => !accepts(sample)) / bonaFide.Count;
        var finite = apcer.Values.Where(double.IsFinite).ToList();
        return new PresentationErrorRates(
            apcer,
            finite.Count == 0 ? double.NaN : finite.Max(),
            bpcer,
            counts,
            list.Count(sample => sample.IsAttack && !sample.FaceFound),
            list.Count(sample => !sample.IsAttack && !sample.FaceFound));
    }
}

/// <summary>
/// Fitting and held-out identities: sorted by photo count (then label), dealt alternately, so both
/// halves get a similar number of photos and no identity is in both.
/// </summary>
public sealed record IdentitySplit(IReadOnlySet<string> Fitting, IReadOnlySet<string> HeldOut)
{
    public static IdentitySplit Of(IEnumerable<string> identities)
    {
        ArgumentNullException.ThrowIfNull(identities);
        var ordered = identities
            .GroupBy(identity => identity, StringComparer.Ordinal)
            .OrderByDescending(group => group.Count())
            .ThenBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => group.Key)
            .ToList();
        var fitting = new SortedSet<string>(StringComparer.Ordinal);
        var heldOut = new SortedSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < ordered.Count; index++)
        {
            (index % 2 == 0 ? fitting : heldOut).Add(ordered[index]);
        }
        return new IdentitySplit(fitting, heldOut);
    }
}

/// <summary>
/// Builds simulated presentations (<see cref="PresentationSimulator"/>) from every labelled
/// single-face photo that is not a re-encoding of another, runs the face pipeline on each frame and
/// collects the liveness score and cues of the presented face, and whether a paired near-infrared
/// camera would show the face under <see cref="ModelledInfrared"/>.
/// </summary>
public static class PresentationAttackEvaluation
{
    /// <summary>
    /// What the simulated near-infrared frame is, for the <c>rgb_nir</c> figures: no photo here has a
    /// near-infrared counterpart, so the frame is modelled, not measured. A screen emits no near infrared:
    /// its face is never shown (a screen replay is never confirmed, by construction). Skin, paper and
    /// ink reflect it: the bona fide, printed and cut-out frames are their own grey copy (as in the
    /// gateway's infrared tests), in which the detector must find the face within half a face of where it
    /// was presented. A real sensor differs (exposure, skin and ink appearance in near infrared, glasses).
    /// </summary>
    public const string ModelledInfrared =
        "screen: no face (emits no near infrared); bona fide, print, cut-out: the colour frame's grey copy, face detected within half a face of its place";

    public static IReadOnlyList<PresentationSample> Collect(
        FacePipeline pipeline,
        LabelledPhotoSet photos,
        PresentationAttackOptions options,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!pipeline.Options.ComputeLiveness)
        {
            throw new ArgumentException("the pipeline must compute liveness", nameof(pipeline));
        }
        if (!pipeline.Options.ComputeColourTexture)
        {
            throw new ArgumentException("the pipeline must measure the colour texture (it is reported and refitted)", nameof(pipeline));
        }
        if (options.FramesDirectory is not null)
        {
            Directory.CreateDirectory(options.FramesDirectory);
        }
        var subjects = photos.Photos.Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace).ToList();
        var samples = new List<PresentationSample>();
        var analysis = new FaceAnalysis();
        var infraredAnalysis = new FaceAnalysis();
        var done = 0;
        foreach (var photo in subjects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BgrImage image;
            try
            {
                image = BgrImage.Load(photo.FullPath);
            }
            catch (OpenCvException)
            {
                // Unreadable photos are reported by the plain evaluation; there is nothing to present.
                progress?.Report(new EvaluationProgress(++done, subjects.Count, photo.Path));
                continue;
            }
            using (image)
            {
                pipeline.Analyse(image.AsReadOnlySpan(), analysis);
                var subject = Largest(analysis);
                if (subject is not null)
                {
                    var face = subject.SquareBox;
                    foreach (var kind in Enum.GetValues<PresentationKind>())
                    {
                        for (var variant = 0; variant < options.Variants; variant++)
                        {
                            var seed = StableSeed(photo.Path, kind, variant, options.Seed);
                            using var presentation = PresentationSimulator.Render(kind, image.AsReadOnlySpan(), face, seed);
                            if (options.FramesDirectory is not null)
                            {
                                var name = $"{photo.Label}_{Path.GetFileNameWithoutExtension(photo.Path)}_{kind}_{variant}.png";
                                File.WriteAllBytes(Path.Combine(options.FramesDirectory, name), presentation.Frame.EncodePng());
                            }
                            pipeline.Analyse(presentation.Frame.AsReadOnlySpan(), analysis);
                            var presented = Presented(analysis, presentation.FaceCentre, presentation.FaceSide);
                            var infraredFace = presented is not null && kind != PresentationKind.ScreenReplay
                                && InfraredShowsFace(pipeline, presentation, infraredAnalysis);
                            samples.Add(new PresentationSample(
                                photo.Path,
                                photo.Label!,
                                kind,
                                variant,
                                presented is not null,
                                presented?.ProbabilityReal ?? 0f,
                                presented?.Cues ?? default,
                                infraredFace));
                        }
                    }
                }
            }
            progress?.Report(new EvaluationProgress(++done, subjects.Count, photo.Path));
        }
        return samples;
    }

    /// <summary>Whether the face is found at its place in the grey copy of the frame (<see cref="ModelledInfrared"/>).</summary>
    private static bool InfraredShowsFace(FacePipeline pipeline, SimulatedPresentation presentation, FaceAnalysis analysis)
    {
        var frame = presentation.Frame;
        var luma = new byte[frame.Width * frame.Height];
        var lumaSpan = new ImageSpan(luma, frame.Width, frame.Height, frame.Width, PixelFormat.Gray8);
        ImageOps.ToGray(frame.AsReadOnlySpan(), lumaSpan);
        using var grey = BgrImage.Create(frame.Width, frame.Height);
        ImageOps.ConvertColor(lumaSpan, grey.AsSpan());
        pipeline.Analyse(grey.AsReadOnlySpan(), analysis);
        return Presented(analysis, presentation.FaceCentre, presentation.FaceSide) is not null;
    }

    private static DetectedFace? Largest(FaceAnalysis analysis)
    {
        DetectedFace? largest = null;
        foreach (var face in analysis.Faces)
        {
            if (largest is null || face.Quality.SizePixels > largest.Quality.SizePixels)
            {
                largest = face;
            }
        }
        return largest;
    }

    /// <summary>The face nearest to where the presentation put it, within half a face.</summary>
    private static DetectedFace? Presented(FaceAnalysis analysis, Vector2 centre, float side)
    {
        DetectedFace? nearest = null;
        var nearestDistance = side / 2f;
        foreach (var face in analysis.Faces)
        {
            if (face.ProbabilityReal is null)
            {
                continue;
            }
            var box = face.SquareBox;
            var distance = Vector2.Distance(centre, new Vector2(box.X + (box.Width / 2f), box.Y + (box.Height / 2f)));
            if (distance <= nearestDistance)
            {
                nearest = face;
                nearestDistance = distance;
            }
        }
        return nearest;
    }

    /// <summary>A seed from the photo, kind, variant and run seed that does not depend on the order photos are read in (FNV-1a).</summary>
    internal static int StableSeed(string path, PresentationKind kind, int variant, int seed)
    {
        var hash = 2166136261u;
        foreach (var character in $"{path}|{kind}|{variant}|{seed}")
        {
            hash = (hash ^ character) * 16777619u;
        }
        return (int)(hash & 0x7fffffff);
    }
}
