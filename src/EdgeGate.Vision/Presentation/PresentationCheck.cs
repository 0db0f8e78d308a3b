namespace EdgeGate.Vision.Presentation;

/// <summary>One face's single-frame presentation check.</summary>
/// <param name="LivenessScore">The liveness model's P(real) (0 when it did not run).</param>
/// <param name="CheckScore">The combined score in [0, 1] (the liveness score itself when no cues were measured).</param>
/// <param name="Passed">The score reached its threshold.</param>
/// <param name="CuesUsed">The image cues were part of the score.</param>
public readonly record struct FramePresentation(float LivenessScore, float CheckScore, bool Passed, bool CuesUsed);

/// <summary>One attack species' logistic model: P(bona fide rather than this species).</summary>
/// <param name="Species">The attack species it was fitted against (print, screen, cutout).</param>
/// <param name="Bias">Intercept.</param>
/// <param name="Liveness">Weight of logit(P(real)), the liveness model's score clamped to [1e-4, 1 − 1e-4].</param>
/// <param name="Cues">Weights of the standardised cues, in <see cref="PresentationCues.Names"/> order.</param>
public sealed record SpeciesWeights(string Species, double Bias, double Liveness, IReadOnlyList<double> Cues);

/// <summary>
/// The combined single-frame check's weights: one logistic model per attack species over the
/// liveness model's logit and the standardised <see cref="PresentationCues"/>; a face's score is
/// the smallest of their P(bona fide), so it must look unlike every species (a print is duller
/// than skin, a screen often more colourful: one linear model cannot say both). Fitted by
/// <c>edgegate eval --attacks --fit</c> on the fitting half of the identities; the other half is
/// reported, never fitted.
/// </summary>
/// <param name="Species">The per-species models.</param>
/// <param name="Centres">Cue means on the fitting presentations.</param>
/// <param name="Scales">Cue standard deviations on the fitting presentations.</param>
public sealed record PresentationCheckWeights(
    IReadOnlyList<SpeciesWeights> Species,
    IReadOnlyList<double> Centres,
    IReadOnlyList<double> Scales)
{
    private const double LogitClamp = 1e-4;

    /// <summary>The threshold fitted with <see cref="Shipped"/> (Recognition:PresentationThreshold's default): 3% BPCER on the fitting identities.</summary>
    public const double ShippedThreshold = 0.475468;

    /// <summary>
    /// The weights the gate ships with: <c>edgegate eval --attacks --json</c> on ../shared/face-data
    /// (seed 1, 3 variants, "refit"), fitted on the fitting half of its identities; see
    /// docs/presentation-attacks.md.
    /// </summary>
    public static PresentationCheckWeights Shipped { get; } = new(
        [
            new SpeciesWeights("print", Bias: 0.895002, Liveness: 0.425522, Cues:
            [0.559203, 0.86157, -0.033903, 0.586043, -0.292585, -0.213865, 0.055246, 0.053482, 0.27238, 0.080002, 0.237573, -0.217026, -0.292714, -0.136188, -0.082803, -0.067072, -0.015379, -0.070571, 0.126003, 0.28856, 0.219808, 0.300211, 0.147986, -0.006648, -0.260266, 0.056237, 0.180541, 0.178014, 0.0942, 0.33779, 0.09002, 0.308458, 0.02901, 0.044319, -0.171076, -0.039528]),
            new SpeciesWeights("screen", Bias: -0.457155, Liveness: 0.303877, Cues:
            [0.473195, 0.150995, -0.533895, 0.615131, -0.722543, -0.380403, 0.304801, 0.36613, 0.308582, -0.356592, 0.544306, -0.172443, -0.787927, -0.287327, -0.339139, 0.136321, 0.100141, -0.406122, -0.259847, -0.256227, -0.090384, 0.316137, 0.277845, 0.044568, 0.001543, -0.261265, 0.18148, -0.012176, 0.059521, -0.306188, -0.281485, 0.122557, 0.182074, 0.306923, 0.117681, -0.111728]),
            new SpeciesWeights("cutout", Bias: 0.330746, Liveness: 0.447803, Cues:
            [0.603859, 0.715217, -0.027894, 0.647445, -0.583334, 0.097505, 0.253344, 0.227318, 0.359967, -0.051712, 0.200364, -0.194249, -0.239381, -0.171198, -0.122073, -0.000772, 0.054122, 0.010713, 0.179813, 0.265971, 0.271392, 0.249079, 0.009295, -0.12821, -0.257063, 0.148044, 0.060319, 0.12922, 0.219364, 0.342152, 0.14017, 0.320134, 0.058125, -0.024874, -0.205871, -0.007188]),
        ],
        [0.251365, 133.709163, 0.26807, 0.098542, 68.662388, 39.11807, 0.01021, 0.024947, 0.036243, 0.112163, 0.332957, 0.21374, 0.08602, 0.05582, 0.051186, 0.076715, 0.002389, 0.008827, 0.010434, 0.051662, 0.122816, 0.215655, 0.091336, 0.068892, 0.384187, 0.043802, 0.003093, 0.010864, 0.011619, 0.053333, 0.107782, 0.203556, 0.08407, 0.062527, 0.410613, 0.052543],
        [0.098864, 32.40664, 0.247599, 0.049583, 42.173227, 30.053103, 0.005421, 0.009496, 0.009967, 0.016522, 0.053809, 0.030845, 0.011017, 0.011095, 0.05323, 0.026686, 0.00194, 0.006512, 0.007577, 0.01952, 0.117094, 0.048764, 0.029912, 0.019671, 0.199133, 0.018781, 0.002375, 0.007153, 0.008063, 0.020736, 0.112073, 0.042716, 0.02935, 0.018998, 0.196203, 0.021726]);

    public void Validate()
    {
        if (Species.Count == 0)
        {
            throw new ArgumentException("at least one species model is needed");
        }
        if (Centres.Count != PresentationCues.Count || Scales.Count != PresentationCues.Count
            || Species.Any(species => species.Cues.Count != PresentationCues.Count))
        {
            throw new ArgumentException($"{PresentationCues.Count} cue weights, centres and scales are needed");
        }
        if (Scales.Any(scale => !(scale > 0))
            || Species.Any(species => !double.IsFinite(species.Bias) || !double.IsFinite(species.Liveness) || species.Cues.Any(weight => !double.IsFinite(weight))))
        {
            throw new ArgumentException("weights must be finite and scales positive");
        }
    }

    /// <summary>The models' features: logit of P(real), then the standardised cues.</summary>
    public void Features(float probabilityReal, in PresentationCues cues, Span<double> destination)
    {
        if (destination.Length < PresentationCues.Count + 1)
        {
            throw new ArgumentException($"room for {PresentationCues.Count + 1} features needed", nameof(destination));
        }
        destination[0] = Logit(probabilityReal);
        Span<float> raw = stackalloc float[PresentationCues.Count];
        cues.CopyTo(raw);
        for (var i = 0; i < raw.Length; i++)
        {
            destination[i + 1] = (raw[i] - Centres[i]) / Scales[i];
        }
    }

    /// <summary>P(bona fide): the smallest over the species models.</summary>
    public double Score(float probabilityReal, in PresentationCues cues)
    {
        Span<double> features = stackalloc double[PresentationCues.Count + 1];
        Features(probabilityReal, cues, features);
        var score = 1.0;
        foreach (var species in Species)
        {
            var z = species.Bias + (species.Liveness * features[0]);
            for (var i = 0; i < PresentationCues.Count; i++)
            {
                z += species.Cues[i] * features[i + 1];
            }
            score = Math.Min(score, 1.0 / (1.0 + Math.Exp(-z)));
        }
        return score;
    }

    /// <summary>logit(p) with p clamped away from 0 and 1.</summary>
    public static double Logit(float probability)
    {
        var p = Math.Clamp(probability, LogitClamp, 1 - LogitClamp);
        return Math.Log(p / (1 - p));
    }
}

/// <summary>
/// The single-frame presentation check, one place for the gate and <c>edgegate eval --attacks</c>:
/// with cues measured, the combined score (liveness model and image cues) against
/// <paramref name="checkThreshold"/>; without them (a pipeline that skipped them, a test double),
/// the liveness model alone against <paramref name="livenessThreshold"/>. Pure.
/// </summary>
public sealed class PresentationCheck
{
    public PresentationCheck(double livenessThreshold, double checkThreshold, PresentationCheckWeights? weights = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(livenessThreshold, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(livenessThreshold, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkThreshold, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(checkThreshold, 1.0);
        Weights = weights ?? PresentationCheckWeights.Shipped;
        Weights.Validate();
        LivenessThreshold = livenessThreshold;
        CheckThreshold = checkThreshold;
    }

    public double LivenessThreshold { get; }

    public double CheckThreshold { get; }

    public PresentationCheckWeights Weights { get; }

    /// <summary>The check of one face; a face without a liveness score fails.</summary>
    public FramePresentation Evaluate(float? probabilityReal, PresentationCues? cues)
    {
        if (probabilityReal is not { } liveness)
        {
            return new FramePresentation(0f, 0f, Passed: false, CuesUsed: false);
        }
        if (cues is not { } measured)
        {
            return new FramePresentation(liveness, liveness, liveness >= LivenessThreshold, CuesUsed: false);
        }
        var score = (float)Weights.Score(liveness, measured);
        return new FramePresentation(liveness, score, score >= CheckThreshold, CuesUsed: true);
    }
}
