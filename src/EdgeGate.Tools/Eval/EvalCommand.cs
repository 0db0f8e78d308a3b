using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeGate.Configuration;
using EdgeGate.Evaluation;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Faces.Calibration;
using EdgeGate.Vision.Models;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Tools.Eval;

/// <summary><c>edgegate eval</c>: face pipeline accuracy on a labelled photo folder.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var labels = new Option<FileInfo>("--labels")
        {
            Description = "labels file: CSV with path,label,dup_of,multi_face,... (paths relative to --root)",
            Required = true,
        };
        var root = new Option<DirectoryInfo?>("--root")
        {
            Description = "folder the label paths are relative to (default: the labels file's folder)",
        };
        var json = new Option<bool>("--json")
        {
            Description = "print one JSON object instead of text",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "intra-op threads per model",
            DefaultValueFactory = _ => 1,
        };
        var modelsDirectory = new Option<string?>("--models-dir")
        {
            Description = "the directory holding manifest.json (default: EDGEGATE_MODELS, beside the program, or above it)",
        };
        var config = new Option<FileInfo?>("--config")
        {
            Description = "gateway configuration whose Recognition settings the figures use: MatchThreshold and Margin for the accept figures, LivenessThreshold and PresentationThreshold with --attacks (default: the shipped defaults)",
        };
        var attacks = AttackEvaluationOptions.Create();
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--threads must be at least 1");
            }
        });

        var command = new Command("eval", "Run the face pipeline on a labelled photo folder and report detection, verification (AUC, EER, TAR@FAR), rank-1 identification and liveness")
        {
            labels, root, json, threads, modelsDirectory, config,
        };
        attacks.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var labelsFile = parseResult.GetValue(labels)!;
                if (!labelsFile.Exists)
                {
                    error.WriteLine($"eval: labels file not found: {labelsFile.FullName}");
                    return Task.FromResult(2);
                }
                var rootDirectory = parseResult.GetValue(root)?.FullName ?? labelsFile.DirectoryName!;
                if (!Directory.Exists(rootDirectory))
                {
                    error.WriteLine($"eval: root folder not found: {rootDirectory}");
                    return Task.FromResult(2);
                }
                var recognition = new RecognitionOptions();
                if (parseResult.GetValue(config) is { } configFile)
                {
                    try
                    {
                        recognition = EdgeGateSettings.Load(configFile.FullName).Recognition;
                    }
                    catch (ConfigurationException exception)
                    {
                        error.WriteLine($"eval: the configuration {configFile.FullName} cannot be used: {string.Join("; ", exception.Errors)}");
                        return Task.FromResult(2);
                    }
                }
                var photos = LabelledPhotoSet.Load(labelsFile.FullName, rootDirectory);
                var directory = parseResult.GetValue(modelsDirectory);
                using var pipeline = FacePipeline.Load(
                    directory is null ? null : ModelCatalog.Open(directory),
                    // --attacks reports the colour texture and refits its weights, whether or not the shipped check weighs it.
                    new FacePipelineOptions { Threads = parseResult.GetValue(threads), ComputeColourTexture = parseResult.GetValue(attacks.Attacks) });
                if (parseResult.GetValue(attacks.Attacks))
                {
                    return Task.FromResult(attacks.Run(parseResult, pipeline, photos, recognition, new ProgressLine(error), parseResult.GetValue(json), cancellationToken));
                }
                var report = FaceEvaluation.Run(pipeline, photos, new ProgressLine(error), cancellationToken);
                var figures = OperatingFigures.At(report.Samples, recognition.MatchThreshold, recognition.Margin);
                var evidence = OneFrameEvidence.Of(report, BarsOf(recognition));
                output.WriteLine(parseResult.GetValue(json) ? ToJson(report, figures, evidence) : ToText(report, figures, evidence));
                return Task.FromResult(0);
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or OpenCvException or FileNotFoundException
                or DirectoryNotFoundException or InvalidDataException or IOException or ConfigurationException)
            {
                error.WriteLine($"eval: {exception.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    internal static OneFrameBars BarsOf(RecognitionOptions recognition) => new(
        (float)recognition.MatchThreshold, (float)recognition.Margin, (float)recognition.LivenessThreshold,
        (float)recognition.OneFrameSimilarity, (float)recognition.OneFrameMargin, (float)recognition.OneFrameLiveness);

    internal static string ToText(FaceEvaluationReport report, OperatingFigures figures, OneFrameEvidence? evidence = null)
    {
        var text = new System.Text.StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"model            {report.EmbeddingModelId}");
        Line($"images read      {report.ImagesRead} ({report.ImagesFailed} unreadable)");
        foreach (var failed in report.Photos.Where(photo => !photo.WasRead))
        {
            Line($"  unreadable     {failed.Photo.Path}: {failed.Error}");
        }
        Line($"labelled photos  {report.LabelledPhotos}, without a face {report.FacesMissing}, without exactly one face {report.LabelledWithoutExactlyOneFace.Count}");
        foreach (var flagged in report.LabelledWithoutExactlyOneFace)
        {
            Line($"  FLAG           {flagged.Photo.Path}: {flagged.FacesFound} faces");
        }
        foreach (var group in report.GroupPhotos)
        {
            Line($"  group photo    {group.Photo.Path}: {group.FacesFound} faces");
        }
        Line($"pairs            same {report.PairsSame}, different {report.PairsDifferent}");
        if (report.Verification is { } verification)
        {
            Line($"cosine same      mean {verification.Same.Mean:F3} sd {verification.Same.StandardDeviation:F3} min {verification.Same.Minimum:F3} max {verification.Same.Maximum:F3}");
            Line($"cosine different mean {verification.Different.Mean:F3} sd {verification.Different.StandardDeviation:F3} min {verification.Different.Minimum:F3} max {verification.Different.Maximum:F3}");
            Line($"ROC AUC          {verification.AreaUnderCurve:F5}");
            Line($"EER              {verification.EqualErrorRate:F4} at threshold {verification.EqualErrorThreshold:F3}");
            foreach (var point in new[] { verification.AtFalseAcceptRate1E2, verification.AtFalseAcceptRate1E3 })
            {
                Line($"TAR at FAR {point.TargetFalseAcceptRate:0.###}  {point.TrueAcceptRate:F4} at threshold {point.Threshold:F3} (FAR {point.FalseAcceptRate:F5})");
            }
            Line($"best accuracy    {verification.BestAccuracy:F4} at threshold {verification.BestAccuracyThreshold:F3}");
        }
        else
        {
            Line($"verification     not enough pairs (need same and different identities)");
        }
        Line($"configured       threshold {figures.Threshold:F3}, margin {figures.Margin:F2}:");
        Line($"  verification   TAR {figures.VerificationTrueAcceptRate:F4} ({figures.SamePairsAccepted}/{figures.SamePairs} same-person pairs), FAR {figures.VerificationFalseAcceptRate:F5} ({figures.DifferentPairsAccepted}/{figures.DifferentPairs} different-person pairs)");
        Line($"  1:N            TAR {figures.IdentificationTrueAcceptRate:F4} ({figures.GenuineProbesGranted}/{figures.GenuineProbes} photos granted against the other photos), FAR {figures.IdentificationFalseAcceptRate:F4} ({figures.StrangerProbesAccepted}/{figures.StrangerProbes} photos matched someone else with their own person left out)");
        Line($"rank-1 (LOO)     {report.RankOne.Rate:F4} ({report.RankOne.Correct}/{report.RankOne.Total})");
        foreach (var duplicate in report.Duplicates)
        {
            Line($"re-encoding      {duplicate.Path} vs {duplicate.OriginalPath}: cosine {duplicate.Cosine:F3}");
        }
        Line($"liveness P(real) mean {report.Liveness.Mean:F3} min {report.Liveness.Minimum:F3} max {report.Liveness.Maximum:F3}; >= {FaceEvaluation.LivenessRealThreshold} on {report.LivenessRealFraction:P1} of {report.Liveness.Count} labelled photos");
        if (evidence is { } e)
        {
            var bars = e.Bars;
            Line($"one-frame rule   vote: similarity >= {bars.VoteSimilarity:F2}, margin >= {bars.VoteMargin:F2}, liveness >= {bars.VoteLiveness:F2}; one frame: >= {bars.OneFrameSimilarity:F2}, >= {bars.OneFrameMargin:F2}, >= {bars.OneFrameLiveness:F2}");
            Line($"  impostor pairs {e.Impostors.AtVoteBar} of {e.Impostors.Count} reach the vote's similarity, {e.Impostors.AtOneFrameBar} the one-frame similarity (highest {e.Impostors.Maximum:F3}); normal fit: {e.Impostors.NormalTailAtVoteBar:E1} vs {e.Impostors.NormalTailAtOneFrameBar:E1}");
            Line($"  genuine pairs  {e.Genuine.AtVoteBar} of {e.Genuine.Count} reach the vote's similarity, {e.Genuine.AtOneFrameBar} the one-frame similarity");
            Line($"  1:N genuine    {e.OneToMany.GenuineVoteMatches} of {e.OneToMany.GenuineProbes} matched by a vote, {e.OneToMany.GenuineOneFrame} decidable on one frame, {e.OneToMany.WrongPersonVoteMatches} matched to someone else");
            Line($"  1:N impostor   {e.OneToMany.ImpostorVoteMatches} of {e.OneToMany.ImpostorProbes} matched by a vote, {e.OneToMany.ImpostorOneFrame} at the one-frame bars (highest similarity {e.OneToMany.ImpostorBestSimilarity:F3})");
            Line($"  liveness       {e.Liveness.AtVoteBar} of {e.Liveness.Count} real faces pass the vote's bar, {e.Liveness.AtOneFrameBar} the one-frame bar");
        }
        return text.ToString().TrimEnd();
    }

    internal static string ToJson(FaceEvaluationReport report, OperatingFigures figures, OneFrameEvidence? evidence = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("model_id", report.EmbeddingModelId);
            writer.WriteNumber("images", report.ImagesRead);
            writer.WriteNumber("images_unreadable", report.ImagesFailed);
            writer.WriteNumber("labelled", report.LabelledPhotos);
            writer.WriteNumber("faces_missing", report.FacesMissing);
            writer.WriteNumber("labelled_not_one_face", report.LabelledWithoutExactlyOneFace.Count);
            writer.WriteNumber("pairs_same", report.PairsSame);
            writer.WriteNumber("pairs_diff", report.PairsDifferent);
            var verification = report.Verification;
            Number(writer, "auc", verification?.AreaUnderCurve);
            Number(writer, "eer", verification?.EqualErrorRate);
            Number(writer, "eer_threshold", verification?.EqualErrorThreshold);
            Number(writer, "tar_at_far_1e2", verification?.AtFalseAcceptRate1E2.TrueAcceptRate);
            Number(writer, "threshold_at_far_1e2", verification?.AtFalseAcceptRate1E2.Threshold);
            Number(writer, "tar_at_far_1e3", verification?.AtFalseAcceptRate1E3.TrueAcceptRate);
            Number(writer, "threshold_at_far_1e3", verification?.AtFalseAcceptRate1E3.Threshold);
            Number(writer, "best_accuracy", verification?.BestAccuracy);
            Number(writer, "best_accuracy_threshold", verification?.BestAccuracyThreshold);
            Number(writer, "configured_threshold", figures.Threshold);
            Number(writer, "configured_margin", figures.Margin);
            Number(writer, "tar_at_configured", figures.VerificationTrueAcceptRate);
            Number(writer, "far_at_configured", figures.VerificationFalseAcceptRate);
            Number(writer, "identification_tar_at_configured", figures.IdentificationTrueAcceptRate);
            Number(writer, "identification_far_at_configured", figures.IdentificationFalseAcceptRate);
            Summary(writer, "cosine_same", verification?.Same);
            Summary(writer, "cosine_diff", verification?.Different);
            Number(writer, "rank1", report.RankOne.Rate);
            writer.WriteNumber("rank1_correct", report.RankOne.Correct);
            writer.WriteNumber("rank1_total", report.RankOne.Total);
            Number(writer, "liveness_real_fraction", report.LivenessRealFraction);
            Summary(writer, "liveness", report.Liveness);
            writer.WriteStartArray("duplicates");
            foreach (var duplicate in report.Duplicates)
            {
                writer.WriteStartObject();
                writer.WriteString("path", duplicate.Path);
                writer.WriteString("original", duplicate.OriginalPath);
                writer.WriteNumber("cosine", Math.Round(duplicate.Cosine, 5));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("faces_per_image");
            foreach (var photo in report.Photos)
            {
                writer.WriteStartObject();
                writer.WriteString("path", photo.Photo.Path);
                writer.WriteNumber("faces", photo.FacesFound);
                writer.WriteBoolean("flagged", photo.Photo.IsLabelled && !photo.Photo.MultiFace && photo.FacesFound != 1);
                if (photo.Error is not null)
                {
                    writer.WriteString("error", photo.Error);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (evidence is not null)
            {
                WriteEvidence(writer, evidence);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteEvidence(Utf8JsonWriter writer, OneFrameEvidence evidence)
    {
        writer.WriteStartObject("one_frame_rule");
        var bars = evidence.Bars;
        writer.WriteStartObject("bars");
        Number(writer, "vote_similarity", bars.VoteSimilarity);
        Number(writer, "vote_margin", bars.VoteMargin);
        Number(writer, "vote_liveness", bars.VoteLiveness);
        Number(writer, "one_frame_similarity", bars.OneFrameSimilarity);
        Number(writer, "one_frame_margin", bars.OneFrameMargin);
        Number(writer, "one_frame_liveness", bars.OneFrameLiveness);
        writer.WriteEndObject();
        foreach (var (name, scores) in new[] { ("impostor_pairs", evidence.Impostors), ("genuine_pairs", evidence.Genuine) })
        {
            writer.WriteStartObject(name);
            writer.WriteNumber("count", scores.Count);
            writer.WriteNumber("at_vote_similarity", scores.AtVoteBar);
            writer.WriteNumber("at_one_frame_similarity", scores.AtOneFrameBar);
            Number(writer, "max", scores.Maximum);
            Probability(writer, "normal_tail_at_vote_similarity", scores.NormalTailAtVoteBar);
            Probability(writer, "normal_tail_at_one_frame_similarity", scores.NormalTailAtOneFrameBar);
            writer.WriteEndObject();
        }
        var oneToMany = evidence.OneToMany;
        writer.WriteStartObject("one_to_n");
        writer.WriteNumber("genuine_probes", oneToMany.GenuineProbes);
        writer.WriteNumber("genuine_vote_matches", oneToMany.GenuineVoteMatches);
        writer.WriteNumber("genuine_one_frame", oneToMany.GenuineOneFrame);
        writer.WriteNumber("wrong_person_vote_matches", oneToMany.WrongPersonVoteMatches);
        writer.WriteNumber("impostor_probes", oneToMany.ImpostorProbes);
        writer.WriteNumber("impostor_vote_matches", oneToMany.ImpostorVoteMatches);
        writer.WriteNumber("impostor_one_frame", oneToMany.ImpostorOneFrame);
        Number(writer, "impostor_best_similarity", oneToMany.ImpostorBestSimilarity);
        writer.WriteEndObject();
        writer.WriteStartObject("liveness");
        writer.WriteNumber("real_faces", evidence.Liveness.Count);
        writer.WriteNumber("at_vote_liveness", evidence.Liveness.AtVoteBar);
        writer.WriteNumber("at_one_frame_liveness", evidence.Liveness.AtOneFrameBar);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A probability that may be far below 1e-6: four significant digits instead of six decimals (null when not finite).</summary>
    private static void Probability(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, double.Parse(value.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, Math.Round(number, 6));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Summary(Utf8JsonWriter writer, string name, ScoreSummary? summary)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("count", summary?.Count ?? 0);
        Number(writer, "mean", summary?.Mean);
        Number(writer, "sd", summary?.StandardDeviation);
        Number(writer, "min", summary?.Minimum);
        Number(writer, "max", summary?.Maximum);
        writer.WriteEndObject();
    }

    /// <summary>Progress on standard error: a redrawn bar on a terminal, one plain line per photo otherwise.</summary>
    private sealed class ProgressLine(TextWriter error) : IProgress<EvaluationProgress>
    {
        private const int BarWidth = 30;
        private readonly bool terminal = !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error);

        public void Report(EvaluationProgress value)
        {
            if (!terminal)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval: {value.Done}/{value.Total} {value.Path}"));
                return;
            }
            var filled = value.Total == 0 ? BarWidth : value.Done * BarWidth / value.Total;
            var name = value.Path.Length > 40 ? "…" + value.Path[^39..] : value.Path;
            error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {value.Done}/{value.Total} {name,-40}"));
            if (value.Done == value.Total)
            {
                error.WriteLine();
            }
        }
    }
}
