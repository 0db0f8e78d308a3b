using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeGate.Configuration;
using EdgeGate.Storage.Journal;
using EdgeGate.Vision.Faces.Calibration;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate calibrate --target-far F</c>: sets <c>Recognition:MatchThreshold</c> from this site's
/// own gallery. Impostor scores come from every pair of templates of two different enrolled persons
/// and from the reference faces shipped with the product against every template
/// (<see cref="ReferenceFaces"/>); the threshold for the target false-accept rate is their empirical
/// quantile when there are enough pairs to see that rate, else a fitted tail
/// (<see cref="ThresholdCalibration"/>), plus a safety margin. The expected true-accept rate comes from
/// persons with several templates. The configuration file keeps everything else; the change is
/// journaled as <c>threshold_calibrated</c>.
/// </summary>
internal static class CalibrateCommand
{
    public const string JournalType = "threshold_calibrated";

    public static Command Create()
    {
        var config = CliEnvironment.ConfigOption();
        var target = new Option<double>("--target-far")
        {
            Description = $"False-accept rate to reach, per comparison of a face with one enrolled template, e.g. 1e-4 (above 0, at most {ThresholdCalibration.MaximumTarget})",
            Required = true,
        };
        var referencePhotos = new Option<DirectoryInfo?>("--reference-photos")
        {
            Description = "Folder of group photos whose faces are nobody at the site (default: the sample photos shipped beside the program)",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Report the threshold without writing the configuration or the journal",
        };
        var command = new Command("calibrate", "Set the face match threshold for a target false-accept rate from this site's enrolled gallery")
        {
            config, target, referencePhotos, dryRun,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = CliEnvironment.Output(parseResult);
            var error = CliEnvironment.Error(parseResult);
            var targetRate = parseResult.GetValue(target);
            if (!ThresholdCalibration.IsValidTarget(targetRate))
            {
                error.WriteLine($"error: --target-far must be above 0 and at most {ThresholdCalibration.MaximumTarget}, e.g. 1e-4 (got {targetRate.ToString(CultureInfo.InvariantCulture)}); nothing was changed");
                return ExitCodes.Usage;
            }
            var configPath = CliEnvironment.ConfigPath(parseResult, config);
            var problems = new List<string>();
            var document = ConfigurationFile.Read(configPath, problems, mustExist: true);
            if (document is null)
            {
                error.WriteLine($"error: {string.Join("; ", problems)}; nothing was changed");
                return ExitCodes.Usage;
            }
            if (CliEnvironment.TryLoadSettings(parseResult, config) is not { } settings)
            {
                return ExitCodes.Usage;
            }
            await using var database = CliEnvironment.TryOpenDatabase(parseResult, settings);
            if (database is null)
            {
                return ExitCodes.Unavailable;
            }
            if (CliEnvironment.TryLoadPipeline(parseResult, settings) is not { } pipeline)
            {
                return ExitCodes.Unavailable;
            }

            CalibrationScores scores;
            ThresholdCalibrationResult result;
            OperatingFigures figures;
            double threshold;
            int persons, templates, referenceFaces;
            using (pipeline)
            {
                var gallery = (await database.Templates.ListByModelAsync(pipeline.EmbeddingModelId, cancellationToken))
                    .Select(template => new LabelledEmbedding(template.PersonId, template.Embedding, template.Id.ToString(CultureInfo.InvariantCulture)))
                    .ToList();
                persons = gallery.Select(template => template.Label).Distinct(StringComparer.Ordinal).Count();
                templates = gallery.Count;
                if (persons < 2)
                {
                    error.WriteLine($"error: the gallery holds {persons} enrolled person(s) with templates of {pipeline.EmbeddingModelId}; " +
                        "calibration needs at least two (enrol the site's residents first); nothing was changed");
                    return ExitCodes.Usage;
                }
                var directory = parseResult.GetValue(referencePhotos)?.FullName ?? Path.Combine(AppContext.BaseDirectory, "samples");
                try
                {
                    var reference = ReferenceFaces.Load(pipeline, directory);
                    referenceFaces = reference.Count;
                    scores = CalibrationScores.Build(gallery, reference);
                    result = ThresholdCalibration.Calibrate(scores.AllImpostors.ToList(), targetRate);
                }
                catch (CalibrationException exception)
                {
                    error.WriteLine($"error: {exception.Message}; nothing was changed");
                    return ExitCodes.Usage;
                }
                // Written with three decimals, rounded up: never below the calibrated value.
                threshold = Math.Round(result.Threshold, 3, MidpointRounding.ToPositiveInfinity);
                figures = OperatingFigures.At(gallery, threshold, settings.Recognition.Margin);
            }

            var previous = settings.Recognition.MatchThreshold;
            WriteReport(output, result, threshold, scores, figures, persons, templates, referenceFaces, previous);
            if (parseResult.GetValue(dryRun))
            {
                output.WriteLine("dry run: the configuration and the journal were not changed");
                return ExitCodes.Success;
            }

            ConfigurationFile.Set(ConfigurationFile.Section(document, RecognitionOptions.SectionName), nameof(RecognitionOptions.MatchThreshold), threshold);
            var text = ConfigurationFile.ToText(document);
            try
            {
                ConfigurationFile.Validate(text);
                ConfigurationFile.Write(configPath, text);
            }
            catch (ConfigurationException exception)
            {
                error.WriteLine($"error: the configuration would not be valid ({string.Join("; ", exception.Errors)}); nothing was changed");
                return ExitCodes.Usage;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot write {configPath}: {exception.Message}; nothing was changed");
                return ExitCodes.Unavailable;
            }
            var seq = await database.Journal.AppendAsync(
                new JournalDraft(JournalLane.Event, JournalType, database.TimeProvider.GetUtcNow(), Payload(result, scores, figures, previous, threshold)),
                cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Recognition:MatchThreshold {previous:0.000} -> {threshold:0.000} written to {configPath} (journal seq {seq})"));
            output.WriteLine("the running gateway uses it from its next start: systemctl restart edgegate");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteReport(
        TextWriter output,
        ThresholdCalibrationResult result,
        double threshold,
        CalibrationScores scores,
        OperatingFigures figures,
        int persons,
        int templates,
        int referenceFaces,
        double previous)
    {
        var culture = CultureInfo.InvariantCulture;
        var method = result.Method == ThresholdMethod.EmpiricalQuantile
            ? string.Format(culture, "empirical quantile: at most {0:0.##e+0} x {1:N0} pairs may reach it", result.TargetFalseAcceptRate, result.ImpostorPairs)
            : string.Format(culture, "fitted tail (generalised Pareto over the highest {0:P0} of the scores, shape {1:0.000}); never below the highest impostor score",
                ThresholdCalibration.TailFraction, result.TailShape);
        CliEnvironment.WriteFields(output, [
            ("target FAR", string.Format(culture, "{0:0.##e+0} per comparison of a face with one enrolled template", result.TargetFalseAcceptRate)),
            ("gallery", string.Format(culture, "{0} persons, {1} templates", persons, templates)),
            ("impostor pairs", string.Format(culture, "{0:N0} = {1:N0} of the site (templates of two different persons) + {2:N0} reference ({3} faces of the shipped photos)",
                result.ImpostorPairs, scores.SiteImpostors.Count, scores.ReferenceImpostors.Count, referenceFaces)),
            ("resolves", string.Format(culture, "false-accept rates down to {0:0.##e+0} seen directly (3 / pairs); highest impostor score {1:0.000}",
                result.SmallestObservableRate, result.HighestImpostorScore)),
            ("method", method),
            ("threshold", string.Format(culture, "{0:0.000} = estimate {1:0.0000} + safety margin {2:0.0000} (1.645 bootstrap standard errors), rounded up; was {3:0.000}",
                threshold, result.Estimate, result.SafetyMargin, previous)),
            ("FAR seen", string.Format(culture, "{0:0.#####} ({1:N0} of {2:N0} impostor pairs at or above it)",
                result.ObservedFalseAcceptRate, Math.Round(result.ObservedFalseAcceptRate * result.ImpostorPairs), result.ImpostorPairs)),
            ("expected TAR", scores.GenuinePairs.Count == 0
                ? "not measurable: no person has two templates (enrol several photos per person)"
                : string.Format(culture, "{0:0.0000} one photo against another of the same person ({1}/{2} pairs); {3:0.0000} a photo against the person's other templates, margin {4:0.00} ({5}/{6} photos)",
                    figures.VerificationTrueAcceptRate, figures.SamePairsAccepted, figures.SamePairs,
                    figures.IdentificationTrueAcceptRate, figures.Margin, figures.GenuineProbesGranted, figures.GenuineProbes)),
            ("at the gate", string.Format(culture, "a stranger is compared with all {0} persons: up to {0} x FAR = {1:0.####} may find a match", persons, persons * result.TargetFalseAcceptRate)),
        ]);
    }

    private static string Payload(ThresholdCalibrationResult result, CalibrationScores scores, OperatingFigures figures, double previous, double threshold) =>
        new JsonObject
        {
            ["schema"] = 1,
            ["setting"] = $"{RecognitionOptions.SectionName}:{nameof(RecognitionOptions.MatchThreshold)}",
            ["previousThreshold"] = previous,
            ["threshold"] = threshold,
            ["targetFar"] = result.TargetFalseAcceptRate,
            ["method"] = result.Method == ThresholdMethod.EmpiricalQuantile ? "empirical_quantile" : "fitted_tail",
            ["estimate"] = Math.Round(result.Estimate, 5),
            ["safetyMargin"] = Math.Round(result.SafetyMargin, 5),
            ["impostorPairs"] = result.ImpostorPairs,
            ["siteImpostorPairs"] = scores.SiteImpostors.Count,
            ["referenceImpostorPairs"] = scores.ReferenceImpostors.Count,
            ["observedFar"] = result.ObservedFalseAcceptRate,
            ["genuinePairs"] = figures.SamePairs,
            ["expectedTar"] = figures.SamePairs == 0 ? null : Math.Round(figures.VerificationTrueAcceptRate, 5),
        }.ToJsonString();
}
