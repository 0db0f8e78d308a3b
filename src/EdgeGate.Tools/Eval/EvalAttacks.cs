using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGate.Configuration;
using EdgeGate.Evaluation;
using EdgeGate.Recognition;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Tools.Eval;

/// <summary>
/// <c>edgegate eval --attacks</c>: presentation attack detection (ISO/IEC 30107-3 APCER per species,
/// BPCER) on attacks simulated from the labelled photos, for the liveness model alone at
/// <c>Recognition:LivenessThreshold</c> and for the gate's combined check at
/// <c>Recognition:PresentationThreshold</c>, on the held-out identities (never fitted) and on all.
/// The check is also refitted on the fitting identities, so the shipped weights can be reproduced.
/// The <c>rgb_nir</c> figures add a paired near-infrared camera whose frames are modelled
/// (<see cref="PresentationAttackEvaluation.ModelledInfrared"/>), never measured.
/// </summary>
internal sealed class AttackEvaluationOptions
{
    /// <summary>The BPCER goal the liveness model's own operating point is chosen for (on the fitting identities).</summary>
    public const double BpcerGoal = 0.05;

    public Option<bool> Attacks { get; } = new("--attacks")
    {
        Description = "simulate presentation attacks (printed photo, screen replay, cut-out) from the photos and report APCER per species and BPCER",
    };

    public Option<int> Variants { get; } = new("--variants")
    {
        Description = "with --attacks: presentations per photo and kind, each with its own random parameters",
        DefaultValueFactory = _ => new PresentationAttackOptions().Variants,
    };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "with --attacks: seed of the simulation (same seed, same figures)",
        DefaultValueFactory = _ => new PresentationAttackOptions().Seed,
    };

    public Option<PresentationCueSet> RefitCues { get; } = new("--refit-cues")
    {
        Description = "with --attacks: the cues the refit may weigh: All (six scalar cues and the colour texture), ScalarAndLuma (the chroma texture weighs zero) or Scalar",
        DefaultValueFactory = _ => PresentationCueSet.All,
    };

    public Option<double> RefitL2 { get; } = new("--refit-l2")
    {
        Description = "with --attacks: the L2 penalty of the refit's species models",
        DefaultValueFactory = _ => PresentationCheckFitting.DefaultL2,
    };

    public Option<DirectoryInfo?> Frames { get; } = new("--attack-frames")
    {
        Description = "with --attacks: write every simulated frame there as PNG",
    };

    public Option<FileInfo?> Samples { get; } = new("--attack-samples")
    {
        Description = "with --attacks: write one CSV row per presentation (kind, identity, held out, liveness, cues, check score)",
    };

    public static AttackEvaluationOptions Create()
    {
        var options = new AttackEvaluationOptions();
        options.Variants.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--variants must be at least 1");
            }
        });
        options.RefitL2.Validators.Add(result =>
        {
            if (!(result.GetValueOrDefault<double>() > 0))
            {
                result.AddError("--refit-l2 must be a positive number");
            }
        });
        return options;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Attacks);
        command.Options.Add(Variants);
        command.Options.Add(Seed);
        command.Options.Add(RefitCues);
        command.Options.Add(RefitL2);
        command.Options.Add(Frames);
        command.Options.Add(Samples);
    }

    public int Run(ParseResult parseResult, FacePipeline pipeline, LabelledPhotoSet photos, RecognitionOptions recognition, IProgress<EvaluationProgress> progress, bool json, CancellationToken cancellationToken)
    {
        var error = parseResult.InvocationConfiguration.Error;
        var options = new PresentationAttackOptions
        {
            Variants = parseResult.GetValue(Variants),
            Seed = parseResult.GetValue(Seed),
            FramesDirectory = parseResult.GetValue(Frames)?.FullName,
        };
        var samples = PresentationAttackEvaluation.Collect(pipeline, photos, options, progress, cancellationToken);
        if (samples.Count == 0)
        {
            error.WriteLine("eval: no labelled single-face photo with a face to build presentations from");
            return 1;
        }
        var report = AttackReport.Build(
            samples, options, RecognitionEngine.PresentationCheckFor(recognition), parseResult.GetValue(RefitCues), parseResult.GetValue(RefitL2));
        if (parseResult.GetValue(Samples) is { } file)
        {
            File.WriteAllText(file.FullName, SamplesCsv(samples, report));
        }
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine(json ? report.ToJson() : report.ToText());
        return 0;
    }

    private static string SamplesCsv(IReadOnlyList<PresentationSample> samples, AttackReport report)
    {
        var text = new StringBuilder();
        text.Append("path,identity,kind,variant,held_out,face_found,liveness");
        foreach (var name in PresentationCues.Names)
        {
            text.Append(',').Append(name);
        }
        text.AppendLine(",check_score");
        Span<float> cues = stackalloc float[PresentationCues.Count];
        foreach (var sample in samples)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{sample.Path},{sample.Identity},{PresentationCheckFitting.SpeciesName(sample.Kind)},{sample.Variant},{(report.Split.HeldOut.Contains(sample.Identity) ? 1 : 0)},{(sample.FaceFound ? 1 : 0)},{sample.ProbabilityReal:G6}");
            sample.Cues.CopyTo(cues);
            foreach (var cue in cues)
            {
                text.Append(CultureInfo.InvariantCulture, $",{cue:G6}");
            }
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $",{report.Check.Evaluate(sample.ProbabilityReal, sample.Cues).CheckScore:G6}"));
        }
        return text.ToString();
    }
}

/// <summary>The figures of <c>edgegate eval --attacks</c>.</summary>
internal sealed record AttackReport(
    PresentationAttackOptions Options,
    IdentitySplit Split,
    IReadOnlyList<PresentationSample> Samples,
    PresentationCheck Check,
    PresentationErrorRates CheckHeldOut,
    PresentationErrorRates CheckFitting,
    PresentationErrorRates CheckAll,
    PresentationErrorRates LivenessHeldOut,
    PresentationErrorRates LivenessAll,
    double LivenessGoalThreshold,
    PresentationErrorRates LivenessGoalHeldOut,
    PresentationCheckFit Fitted,
    PresentationCueSet RefitCues,
    double RefitL2,
    PresentationErrorRates FittedHeldOut,
    IReadOnlyList<(double Bpcer, double Threshold, PresentationErrorRates Rates)> HeldOutCurve,
    PresentationErrorRates InfraredPairedHeldOut)
{
    /// <summary>BPCERs at which the held-out trade-off is shown (thresholds set on the held-out faces themselves: not operating points).</summary>
    public static IReadOnlyList<double> CurveBpcers { get; } = [0.02, 0.05, 0.10];

    public static AttackReport Build(
        IReadOnlyList<PresentationSample> samples, PresentationAttackOptions options, PresentationCheck check, PresentationCueSet refitCues, double refitL2)
    {
        var split = IdentitySplit.Of(samples.Select(sample => sample.Identity));
        var heldOut = samples.Where(sample => split.HeldOut.Contains(sample.Identity)).ToList();
        var fitting = samples.Where(sample => split.Fitting.Contains(sample.Identity)).ToList();
        bool Accepts(PresentationSample sample) => check.Evaluate(sample.ProbabilityReal, sample.Cues).Passed;
        bool LivenessAccepts(PresentationSample sample) => sample.ProbabilityReal >= check.LivenessThreshold;

        // The liveness model alone at the operating point that meets the BPCER goal on the fitting identities.
        var fittingBonaFide = fitting.Where(sample => !sample.IsAttack && sample.FaceFound).Select(sample => sample.ProbabilityReal).Order().ToList();
        var goalThreshold = fittingBonaFide.Count == 0 ? 0f : fittingBonaFide[(int)Math.Floor(AttackEvaluationOptions.BpcerGoal * (fittingBonaFide.Count - 1))];

        var fitted = PresentationCheckFitting.Fit(fitting, PresentationCheckFitting.DefaultTargetBpcer, refitL2, refitCues);
        double Score(PresentationSample sample) => check.Evaluate(sample.ProbabilityReal, sample.Cues).CheckScore;
        var heldOutBonaFide = heldOut.Where(sample => !sample.IsAttack && sample.FaceFound).Select(Score).Order().ToList();
        var curve = heldOutBonaFide.Count == 0 ? [] : CurveBpcers.Select(bpcer =>
        {
            var threshold = heldOutBonaFide[(int)Math.Floor(bpcer * (heldOutBonaFide.Count - 1))];
            return (bpcer, threshold, PresentationErrorRates.Of(heldOut, sample => Score(sample) >= threshold));
        }).ToList();
        return new AttackReport(
            options,
            split,
            samples,
            check,
            PresentationErrorRates.Of(heldOut, Accepts),
            PresentationErrorRates.Of(fitting, Accepts),
            PresentationErrorRates.Of(samples, Accepts),
            PresentationErrorRates.Of(heldOut, LivenessAccepts),
            PresentationErrorRates.Of(samples, LivenessAccepts),
            goalThreshold,
            PresentationErrorRates.Of(heldOut, sample => sample.ProbabilityReal >= goalThreshold),
            fitted,
            refitCues,
            refitL2,
            PresentationErrorRates.Of(heldOut, sample => fitted.Weights.Score(sample.ProbabilityReal, sample.Cues) >= fitted.Threshold),
            curve,
            PresentationErrorRates.Of(heldOut, sample => Accepts(sample) && sample.InfraredFace));
    }

    public string ToText()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        var counts = CheckAll.Presentations;
        Line($"presentations     {Samples.Count} ({string.Join(", ", counts.Select(pair => $"{PresentationCheckFitting.SpeciesName(pair.Key)} {pair.Value}"))}), seed {Options.Seed}, {Options.Variants} per photo and kind");
        Line($"identities        {Split.Fitting.Count} fitting, {Split.HeldOut.Count} held out (figures below on held-out identities unless marked)");
        Line($"no face found     {CheckAll.AttacksWithoutFace} attacks (cannot open a door), {CheckAll.BonaFideWithoutFace} bona fide (failure to acquire)");
        Rates(text, $"liveness model    at {Check.LivenessThreshold:0.###}", LivenessHeldOut);
        Rates(text, $"liveness model    at {LivenessGoalThreshold:0.####} (BPCER {AttackEvaluationOptions.BpcerGoal:0.##} on fitting)", LivenessGoalHeldOut);
        Rates(text, $"combined check    at {Check.CheckThreshold:0.###}", CheckHeldOut);
        Rates(text, $"combined check    fitting ids", CheckFitting);
        Rates(text, $"combined, refit   at {Fitted.Threshold:0.###}", FittedHeldOut);
        foreach (var (bpcer, threshold, rates) in HeldOutCurve)
        {
            Rates(text, $"combined check    at {threshold:0.###} (set on held-out for BPCER {bpcer:0.##})", rates);
        }
        Rates(text, $"rgb_nir (MODELLED infrared, not measured)", InfraredPairedHeldOut);
        Line($"  infrared model: {PresentationAttackEvaluation.ModelledInfrared}");
        return text.ToString().TrimEnd();
    }

    private static void Rates(StringBuilder text, FormattableString label, PresentationErrorRates rates)
    {
        var apcer = string.Join("  ", rates.Apcer.Select(pair => string.Create(CultureInfo.InvariantCulture, $"{PresentationCheckFitting.SpeciesName(pair.Key)} {pair.Value:0.000}")));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{label.ToString(CultureInfo.InvariantCulture),-52} APCER {apcer}  max {rates.ApcerMaximum:0.000}  BPCER {rates.Bpcer:0.000}"));
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("scope", "held_out_identities");
            writer.WriteString("configuration", "rgb");
            writer.WriteNumber("liveness_threshold", Check.LivenessThreshold);
            writer.WriteNumber("presentation_threshold", Check.CheckThreshold);
            RatesBody(writer, CheckHeldOut);
            writer.WriteNumber("seed", Options.Seed);
            writer.WriteNumber("variants", Options.Variants);
            writer.WriteStartObject("presentations");
            foreach (var (kind, count) in CheckAll.Presentations)
            {
                writer.WriteNumber(PresentationCheckFitting.SpeciesName(kind), count);
            }
            writer.WriteEndObject();
            writer.WriteNumber("attacks_without_face", CheckAll.AttacksWithoutFace);
            writer.WriteNumber("bona_fide_without_face", CheckAll.BonaFideWithoutFace);
            writer.WriteStartObject("identities");
            Names(writer, "fitting", Split.Fitting);
            Names(writer, "held_out", Split.HeldOut);
            writer.WriteEndObject();

            writer.WriteStartObject("liveness_model");
            writer.WriteNumber("threshold", Check.LivenessThreshold);
            Rates(writer, "held_out", LivenessHeldOut);
            Rates(writer, "all", LivenessAll);
            writer.WriteStartObject("at_bpcer_goal");
            writer.WriteNumber("bpcer_goal", AttackEvaluationOptions.BpcerGoal);
            writer.WriteNumber("threshold", Math.Round(LivenessGoalThreshold, 6));
            Rates(writer, "held_out", LivenessGoalHeldOut);
            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteStartObject("presentation_check");
            writer.WriteNumber("threshold", Check.CheckThreshold);
            Rates(writer, "held_out", CheckHeldOut);
            Rates(writer, "fitting", CheckFitting);
            Rates(writer, "all", CheckAll);
            // Thresholds set on the held-out bona fide faces themselves: how far the scores separate, not an operating point.
            writer.WriteStartArray("held_out_trade_off");
            foreach (var (bpcer, threshold, rates) in HeldOutCurve)
            {
                writer.WriteStartObject();
                writer.WriteNumber("bpcer_target", bpcer);
                writer.WriteNumber("threshold", Math.Round(threshold, 6));
                RatesBody(writer, rates);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();

            // The same check with a paired near-infrared camera whose frames are modelled, not measured.
            writer.WriteStartObject("rgb_nir");
            writer.WriteBoolean("measured", false);
            writer.WriteString("infrared_model", PresentationAttackEvaluation.ModelledInfrared);
            writer.WriteNumber("threshold", Check.CheckThreshold);
            Rates(writer, "held_out", InfraredPairedHeldOut);
            writer.WriteEndObject();

            writer.WriteStartObject("refit");
            writer.WriteNumber("threshold", Math.Round(Fitted.Threshold, 6));
            writer.WriteNumber("target_bpcer_fitting", PresentationCheckFitting.DefaultTargetBpcer);
            writer.WriteString("cues", RefitCues.ToString());
            writer.WriteNumber("l2", RefitL2);
            Rates(writer, "held_out", FittedHeldOut);
            writer.WriteStartArray("cue_names");
            foreach (var name in PresentationCues.Names)
            {
                writer.WriteStringValue(name);
            }
            writer.WriteEndArray();
            Numbers(writer, "centres", Fitted.Weights.Centres);
            Numbers(writer, "scales", Fitted.Weights.Scales);
            writer.WriteStartArray("species");
            foreach (var species in Fitted.Weights.Species)
            {
                writer.WriteStartObject();
                writer.WriteString("species", species.Species);
                writer.WriteNumber("bias", Math.Round(species.Bias, 6));
                writer.WriteNumber("liveness", Math.Round(species.Liveness, 6));
                Numbers(writer, "cues", species.Cues);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Rates(Utf8JsonWriter writer, string name, PresentationErrorRates rates)
    {
        writer.WriteStartObject(name);
        RatesBody(writer, rates);
        writer.WriteEndObject();
    }

    private static void RatesBody(Utf8JsonWriter writer, PresentationErrorRates rates)
    {
        writer.WriteStartObject("apcer");
        foreach (var (kind, value) in rates.Apcer)
        {
            Number(writer, PresentationCheckFitting.SpeciesName(kind), value);
        }
        writer.WriteEndObject();
        Number(writer, "apcer_max", rates.ApcerMaximum);
        Number(writer, "bpcer", rates.Bpcer);
    }

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, Math.Round(value, 4));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Numbers(Utf8JsonWriter writer, string name, IReadOnlyList<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(Math.Round(value, 6));
        }
        writer.WriteEndArray();
    }

    private static void Names(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }
}
