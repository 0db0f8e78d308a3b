using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeGate.Evaluation.Benchmarks;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Tools.Bench;

/// <summary><c>edgegate bench onnx</c>: latency and allocations of one model through the ONNX binding.</summary>
public static class BenchOnnxCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "detect, landmarks, embedding, liveness, a model file of the manifest (fr_detect, fr_feature, ...), or the path of an .onnx file",
            DefaultValueFactory = _ => "embedding",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "intra-op threads (inter-op is 1)",
            DefaultValueFactory = _ => 1,
        };
        var runs = new Option<int>("--runs")
        {
            Description = "timed runs after the warm-up",
            DefaultValueFactory = _ => 200,
        };
        var warmUp = new Option<int>("--warmup")
        {
            Description = "untimed runs before measuring",
            DefaultValueFactory = _ => 10,
        };
        var allowSpinning = new Option<bool>("--allow-spinning")
        {
            Description = "let idle ORT threads spin (off by default, as in the gateway)",
        };
        var modelsDirectory = new Option<string?>("--models-dir")
        {
            Description = "the directory holding manifest.json (default: EDGEGATE_MODELS, beside the program, or above it)",
        };
        var json = new Option<bool>("--json")
        {
            Description = "print the result as JSON",
        };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--threads must be at least 1");
            }
        });
        runs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--runs must be at least 1");
            }
        });
        warmUp.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--warmup must not be negative");
            }
        });

        var command = new Command("onnx", "Measure ONNX Runtime latency of one model (median, p90, mean) and bytes allocated per run")
        {
            model, threads, runs, warmUp, allowSpinning, modelsDirectory, json,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var settings = new OnnxBenchmarkSettings
                {
                    ModelPath = OnnxBenchmark.ResolveModelPath(parseResult.GetValue(model)!, parseResult.GetValue(modelsDirectory)),
                    Threads = parseResult.GetValue(threads),
                    Runs = parseResult.GetValue(runs),
                    WarmUpRuns = parseResult.GetValue(warmUp),
                    AllowSpinning = parseResult.GetValue(allowSpinning),
                };
                var result = OnnxBenchmark.Run(settings, cancellationToken: cancellationToken);
                output.WriteLine(parseResult.GetValue(json) ? ToJson(result) : ToText(result));
                return Task.FromResult(0);
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
            {
                error.WriteLine($"bench onnx: {exception.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static string ToText(OnnxBenchmarkResult result) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"""
             model            {result.ModelPath}
             onnxruntime      {result.RuntimeVersion}
             threads          intra-op {result.Threads}, inter-op 1, allow_spinning={(result.AllowSpinning ? 1 : 0)}
             runs             {result.Runs} (after {result.WarmUpRuns} warm-up), load {result.LoadMilliseconds:F1} ms
             latency ms       median {result.MedianMilliseconds:F3}  p90 {result.P90Milliseconds:F3}  mean {result.MeanMilliseconds:F3}  min {result.MinimumMilliseconds:F3}  max {result.MaximumMilliseconds:F3}
             allocated        {result.BytesAllocatedPerRun:F1} bytes per run
             """);

    private static string ToJson(OnnxBenchmarkResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("model", result.ModelPath);
            writer.WriteString("onnxruntime", result.RuntimeVersion);
            writer.WriteNumber("threads", result.Threads);
            writer.WriteNumber("interOpThreads", 1);
            writer.WriteNumber("allowSpinning", result.AllowSpinning ? 1 : 0);
            writer.WriteNumber("runs", result.Runs);
            writer.WriteNumber("warmUpRuns", result.WarmUpRuns);
            writer.WriteNumber("loadMs", Math.Round(result.LoadMilliseconds, 3));
            writer.WriteNumber("medianMs", Math.Round(result.MedianMilliseconds, 4));
            writer.WriteNumber("p90Ms", Math.Round(result.P90Milliseconds, 4));
            writer.WriteNumber("meanMs", Math.Round(result.MeanMilliseconds, 4));
            writer.WriteNumber("minMs", Math.Round(result.MinimumMilliseconds, 4));
            writer.WriteNumber("maxMs", Math.Round(result.MaximumMilliseconds, 4));
            writer.WriteNumber("bytesAllocatedPerRun", result.BytesAllocatedPerRun);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
