using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Vision.Models;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Tools.Bench;

/// <summary><c>edgegate bench pipeline</c>: per-stage latency of the face pipeline on one image, and allocations per frame.</summary>
public static class BenchPipelineCommand
{
    public static Command Create()
    {
        var image = new Option<FileInfo>("--image")
        {
            Description = "a JPEG or PNG photo (one face gives per-face figures)",
            Required = true,
        };
        var runs = new Option<int>("--runs")
        {
            Description = "timed frames after the warm-up",
            DefaultValueFactory = _ => 100,
        };
        var warmUp = new Option<int>("--warmup")
        {
            Description = "untimed frames before measuring",
            DefaultValueFactory = _ => 5,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "intra-op threads per model (inter-op 1, spinning off)",
            DefaultValueFactory = _ => 1,
        };
        var modelsDirectory = new Option<string?>("--models-dir")
        {
            Description = "the directory holding manifest.json (default: EDGEGATE_MODELS, beside the program, or above it)",
        };
        var saveInputs = new Option<DirectoryInfo?>("--save-inputs")
        {
            Description = "write each model's input of the last frame as raw float32 (<model>.bin), to time another runtime on the same data",
        };
        var json = new Option<bool>("--json")
        {
            Description = "print the result as JSON",
        };
        foreach (var option in new[] { runs, threads })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{option.Name} must be at least 1");
                }
            });
        }
        warmUp.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--warmup must not be negative");
            }
        });

        var command = new Command("pipeline", "Measure the face pipeline per stage (median, p90: detect, landmarks, align, embed, liveness, presentation cues, total) and bytes allocated per frame")
        {
            image, runs, warmUp, threads, modelsDirectory, saveInputs, json,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var directory = parseResult.GetValue(modelsDirectory);
                var result = FacePipelineBenchmark.Run(
                    parseResult.GetValue(image)!.FullName,
                    parseResult.GetValue(runs),
                    parseResult.GetValue(threads),
                    parseResult.GetValue(warmUp),
                    directory is null ? null : ModelCatalog.Open(directory),
                    parseResult.GetValue(saveInputs)?.FullName,
                    cancellationToken);
                output.WriteLine(parseResult.GetValue(json) ? ToJson(result) : ToText(result));
                return Task.FromResult(0);
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or OpenCvException or FileNotFoundException
                or DirectoryNotFoundException or InvalidDataException)
            {
                error.WriteLine($"bench pipeline: {exception.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    internal static string ToText(FacePipelineBenchmarkResult result)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"image            {result.ImagePath} ({result.ImageWidth}x{result.ImageHeight}, {result.Faces} faces)"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"runs             {result.Runs} (after {result.WarmUpRuns} warm-up), threads {result.Threads}, load {result.LoadMilliseconds:F0} ms"));
        text.AppendLine("stage            median ms     p90 ms");
        foreach (var name in FacePipelineBenchmark.StageNames)
        {
            var stage = result.Stages[name];
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {stage.MedianMilliseconds,9:F3} {stage.P90Milliseconds,10:F3}"));
        }
        text.Append(string.Create(CultureInfo.InvariantCulture, $"allocated        {result.BytesAllocatedPerFrame:F1} bytes per frame"));
        return text.ToString();
    }

    internal static string ToJson(FacePipelineBenchmarkResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("image", result.ImagePath);
            writer.WriteNumber("width", result.ImageWidth);
            writer.WriteNumber("height", result.ImageHeight);
            writer.WriteNumber("faces", result.Faces);
            writer.WriteNumber("runs", result.Runs);
            writer.WriteNumber("warmup", result.WarmUpRuns);
            writer.WriteNumber("threads", result.Threads);
            writer.WriteNumber("load_ms", Math.Round(result.LoadMilliseconds, 1));
            writer.WriteStartObject("stages");
            foreach (var name in FacePipelineBenchmark.StageNames)
            {
                var stage = result.Stages[name];
                writer.WriteStartObject(name);
                writer.WriteNumber("median_ms", Math.Round(stage.MedianMilliseconds, 4));
                writer.WriteNumber("p90_ms", Math.Round(stage.P90Milliseconds, 4));
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteNumber("bytes_allocated_per_frame", Math.Round(result.BytesAllocatedPerFrame, 1));
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
