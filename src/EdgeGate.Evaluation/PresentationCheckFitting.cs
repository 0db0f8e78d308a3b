using EdgeGate.Vision.Presentation;

namespace EdgeGate.Evaluation;

/// <summary>Weights and threshold fitted for the combined single-frame check.</summary>
public sealed record PresentationCheckFit(PresentationCheckWeights Weights, double Threshold);

/// <summary>Which cues a fit may weigh; the others get weight zero (so the gate need not measure them).</summary>
public enum PresentationCueSet
{
    /// <summary>The six scalar cues and all 30 colour-texture bins.</summary>
    All,

    /// <summary>The six scalar cues and the luma texture bins (<c>lbp_y_*</c>); the chroma bins weigh zero.</summary>
    ScalarAndLuma,

    /// <summary>The six scalar cues alone.</summary>
    Scalar,
}

/// <summary>
/// Fits <see cref="PresentationCheckWeights"/> on presentations (the fitting identities only): cue
/// centres and scales from all of them, one class-balanced logistic model per attack species
/// against the bona fide presentations, and the threshold that rejects
/// <c>targetBpcer</c> of the fitting bona fide presentations (kept below the 5% goal so
/// that unseen identities have room).
/// </summary>
public static class PresentationCheckFitting
{
    public const double DefaultTargetBpcer = 0.03;

    /// <summary>
    /// L2 penalty of the species models over the six scalar cues and the 30 colour-texture bins: chosen
    /// by cross-validation between two halves of the fitting identities (docs/presentation-attacks.md).
    /// </summary>
    public const double DefaultL2 = 5.0;

    public static PresentationCheckFit Fit(
        IReadOnlyList<PresentationSample> fitting, double targetBpcer = DefaultTargetBpcer, double l2 = DefaultL2, PresentationCueSet cues = PresentationCueSet.All)
    {
        ArgumentNullException.ThrowIfNull(fitting);
        ArgumentOutOfRangeException.ThrowIfNegative(targetBpcer);
        var found = fitting.Where(sample => sample.FaceFound).ToList();
        var bonaFide = found.Where(sample => !sample.IsAttack).ToList();
        if (bonaFide.Count == 0 || found.Count == bonaFide.Count)
        {
            throw new ArgumentException("fitting needs bona fide and attack presentations with a face", nameof(fitting));
        }

        var raw = new float[PresentationCues.Count];
        var centres = new double[PresentationCues.Count];
        var squares = new double[PresentationCues.Count];
        foreach (var sample in found)
        {
            sample.Cues.CopyTo(raw);
            for (var i = 0; i < raw.Length; i++)
            {
                centres[i] += raw[i];
                squares[i] += (double)raw[i] * raw[i];
            }
        }
        var scales = new double[PresentationCues.Count];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] /= found.Count;
            scales[i] = Math.Max(1e-6, Math.Sqrt(Math.Max(0, (squares[i] / found.Count) - (centres[i] * centres[i]))));
        }
        var unweighted = new PresentationCheckWeights([new SpeciesWeights("none", 0, 0, new double[PresentationCues.Count])], centres, scales);
        var weighed = WeighedCues(cues);

        var species = new List<SpeciesWeights>();
        foreach (var kind in Enum.GetValues<PresentationKind>().Where(kind => kind != PresentationKind.BonaFide))
        {
            var pair = found.Where(sample => sample.Kind == kind || !sample.IsAttack).ToList();
            if (pair.Count == bonaFide.Count)
            {
                continue;
            }
            var features = pair.Select(sample =>
            {
                var row = new double[PresentationCues.Count + 1];
                unweighted.Features(sample.ProbabilityReal, sample.Cues, row);
                for (var i = 0; i < PresentationCues.Count; i++)
                {
                    // A cue left out is a column of zeros: its weight starts and stays at zero.
                    row[i + 1] *= weighed[i] ? 1 : 0;
                }
                return row;
            }).ToList();
            var fitted = LogisticRegression.Fit(features, pair.Select(sample => !sample.IsAttack).ToList(), l2);
            species.Add(new SpeciesWeights(SpeciesName(kind), fitted[0], fitted[1], fitted[2..]));
        }
        var weights = new PresentationCheckWeights(species, centres, scales);
        var scores = bonaFide.Select(sample => weights.Score(sample.ProbabilityReal, sample.Cues)).Order().ToList();
        var threshold = scores[Math.Min(scores.Count - 1, (int)Math.Floor(targetBpcer * scores.Count))];
        return new PresentationCheckFit(weights, threshold);
    }

    /// <summary>For each cue (in <see cref="PresentationCues.Names"/> order), whether <paramref name="cues"/> weighs it.</summary>
    public static bool[] WeighedCues(PresentationCueSet cues)
    {
        var names = PresentationCues.Names;
        return [.. names.Select((name, index) => cues switch
        {
            PresentationCueSet.All => true,
            PresentationCueSet.ScalarAndLuma => index < PresentationCues.Count - ColourTexture.Count || name.StartsWith("lbp_y_", StringComparison.Ordinal),
            PresentationCueSet.Scalar => index < PresentationCues.Count - ColourTexture.Count,
            _ => throw new ArgumentOutOfRangeException(nameof(cues), cues, "unknown cue set"),
        })];
    }

    /// <summary>The report's name of an attack species.</summary>
    public static string SpeciesName(PresentationKind kind) => kind switch
    {
        PresentationKind.BonaFide => "bona_fide",
        PresentationKind.PrintedPhoto => "print",
        PresentationKind.ScreenReplay => "screen",
        PresentationKind.CutOut => "cutout",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown presentation kind"),
    };
}
