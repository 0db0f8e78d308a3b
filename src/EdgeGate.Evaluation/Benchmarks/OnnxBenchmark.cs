using System.Diagnostics;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;

namespace EdgeGate.Evaluation.Benchmarks;

/// <summary>What to measure: one model, one intra-op thread count, a number of timed runs after a warm-up.</summary>
public sealed record OnnxBenchmarkSettings
{
    /// <summary>Path of the .onnx file.</summary>
    public required string ModelPath { get; init; }

    public int Threads { get; init; } = 1;

    public int Runs { get; init; } = 200;

    public int WarmUpRuns { get; init; } = 10;

    public bool AllowSpinning { get; init; }
}

/// <summary>Latencies of the timed runs (milliseconds) and managed bytes allocated per run after warm-up.</summary>
public sealed record OnnxBenchmarkResult(
    string ModelPath,
    string RuntimeVersion,
    int Threads,
    bool AllowSpinning,
    int Runs,
    int WarmUpRuns,
    double LoadMilliseconds,
    double MedianMilliseconds,
    double P90Milliseconds,
    double MeanMilliseconds,
    double MinimumMilliseconds,
    double MaximumMilliseconds,
    double BytesAllocatedPerRun);

/// <summary>
/// Times <see cref="TensorBinding.Run()"/> on one model with a deterministic input
/// (element i = sin(i·0.001)·0.9), the way the face pipeline runs it: pre-allocated pinned
/// tensors, one inter-op thread, the given intra-op thread count.
/// </summary>
public static class OnnxBenchmark
{
    /// <summary>
    /// A model key of the manifest (detect, landmarks, embedding, liveness) or the name of a model
    /// file in it, with or without ".onnx" (fr_detect, fr_feature.onnx), becomes the path of that
    /// model; anything else is taken as a file path.
    /// </summary>
    public static string ResolveModelPath(string modelOrPath, string? modelsDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelOrPath);
        if (ModelNames.All.Contains(modelOrPath, StringComparer.OrdinalIgnoreCase))
        {
            return ModelCatalog.Locate(modelsDirectory).GetModelPath(modelOrPath.ToLowerInvariant());
        }
        if (File.Exists(modelOrPath))
        {
            return Path.GetFullPath(modelOrPath);
        }
        ModelCatalog? catalog = null;
        try
        {
            catalog = ModelCatalog.Locate(modelsDirectory);
        }
        catch (DirectoryNotFoundException)
        {
            // No manifest to look the name up in: the message below says what was expected.
        }
        if (catalog is not null)
        {
            foreach (var (key, model) in catalog.Manifest.Models)
            {
                if (string.Equals(model.File, modelOrPath, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(Path.GetFileNameWithoutExtension(model.File), modelOrPath, StringComparison.OrdinalIgnoreCase))
                {
                    return catalog.GetModelPath(key);
                }
            }
        }
        var fileNames = catalog is null
            ? string.Empty
            : $", a model file of the manifest ({string.Join(", ", catalog.Manifest.Models.Values.Select(model => Path.GetFileNameWithoutExtension(model.File)))})";
        throw new FileNotFoundException(
            $"'{modelOrPath}' is not a model name ({string.Join(", ", ModelNames.All)}){fileNames} or an existing file", modelOrPath);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2016:Forward the CancellationToken parameter to methods", Justification = "The token is checked between runs; a registration per run would be timed too.")]
    public static OnnxBenchmarkResult Run(OnnxBenchmarkSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Runs, 1, nameof(settings.Runs));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.WarmUpRuns, nameof(settings.WarmUpRuns));
        var options = new InferenceOptions
        {
            IntraOpThreads = settings.Threads,
            AllowSpinning = settings.AllowSpinning,
        };

        var loadStart = Stopwatch.GetTimestamp();
        using var session = options.CreateSession(settings.ModelPath);
        var loadMilliseconds = Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;
        using var binding = session.CreateBinding();
        foreach (var input in binding.Inputs)
        {
            FillDeterministic(input.Span);
        }

        for (var run = 0; run < settings.WarmUpRuns; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            binding.Run();
        }

        var milliseconds = new double[settings.Runs];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var run = 0; run < settings.Runs; run++)
        {
            var start = Stopwatch.GetTimestamp();
            binding.Run();
            milliseconds[run] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        cancellationToken.ThrowIfCancellationRequested();

        Array.Sort(milliseconds);
        return new OnnxBenchmarkResult(
            settings.ModelPath,
            OnnxRuntimeEnvironment.Version,
            settings.Threads,
            settings.AllowSpinning,
            settings.Runs,
            settings.WarmUpRuns,
            loadMilliseconds,
            Percentile.Of(milliseconds, 0.5),
            Percentile.Of(milliseconds, 0.9),
            milliseconds.Average(),
            milliseconds[0],
            milliseconds[^1],
            (double)allocated / settings.Runs);
    }

    /// <summary>Element i = (float)(sin(i·0.001)·0.9): the input of the reference outputs in the tests.</summary>
    public static void FillDeterministic(Span<float> destination)
    {
        for (var index = 0; index < destination.Length; index++)
        {
            destination[index] = (float)(Math.Sin(index * 0.001) * 0.9);
        }
    }
}
