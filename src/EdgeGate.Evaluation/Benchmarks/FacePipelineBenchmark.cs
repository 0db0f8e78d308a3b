using EdgeGate.Imaging;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Models;

namespace EdgeGate.Evaluation.Benchmarks;

/// <summary>Median and 90th percentile of one stage, in milliseconds.</summary>
public readonly record struct StageLatency(double MedianMilliseconds, double P90Milliseconds);

/// <summary>Per-stage latency of the face pipeline on one image, and bytes allocated per frame.</summary>
public sealed record FacePipelineBenchmarkResult(
    string ImagePath,
    int ImageWidth,
    int ImageHeight,
    int Faces,
    int Runs,
    int WarmUpRuns,
    int Threads,
    double LoadMilliseconds,
    IReadOnlyDictionary<string, StageLatency> Stages,
    double BytesAllocatedPerFrame);

/// <summary>Runs the pipeline repeatedly on one image (after a warm-up) with a reused <see cref="FaceAnalysis"/>.</summary>
public static class FacePipelineBenchmark
{
    /// <summary>Stage names in report order.</summary>
    public static IReadOnlyList<string> StageNames { get; } =
        ["detect", "landmarks", "align", "embed", "liveness", "cues", "total", "inference", "prepost"];

    public static FacePipelineBenchmarkResult Run(
        string imagePath,
        int runs,
        int threads,
        int warmUpRuns = 5,
        ModelCatalog? catalog = null,
        string? saveInputsDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmUpRuns);
        using var image = BgrImage.Load(imagePath);
        var loadStart = System.Diagnostics.Stopwatch.GetTimestamp();
        using var pipeline = FacePipeline.Load(catalog, new FacePipelineOptions { Threads = threads });
        var loadMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;
        var analysis = new FaceAnalysis();
        var frame = image.AsReadOnlySpan();
        for (var run = 0; run < warmUpRuns; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pipeline.Analyse(frame, analysis);
        }

        var samples = StageNames.ToDictionary(name => name, _ => new double[runs]);
        var detect = samples["detect"];
        var landmarks = samples["landmarks"];
        var align = samples["align"];
        var embed = samples["embed"];
        var liveness = samples["liveness"];
        var cues = samples["cues"];
        var total = samples["total"];
        var inference = samples["inference"];
        var prepost = samples["prepost"];
        long allocated = 0;
        for (var run = 0; run < runs; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var before = GC.GetAllocatedBytesForCurrentThread();
            pipeline.Analyse(frame, analysis);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            var timings = analysis.Timings;
            detect[run] = timings.Detect.TotalMilliseconds;
            landmarks[run] = timings.Landmarks.TotalMilliseconds;
            align[run] = timings.Align.TotalMilliseconds;
            embed[run] = timings.Embed.TotalMilliseconds;
            liveness[run] = timings.Liveness.TotalMilliseconds;
            cues[run] = timings.Cues.TotalMilliseconds;
            total[run] = timings.Total.TotalMilliseconds;
            inference[run] = timings.Inference.TotalMilliseconds;
            prepost[run] = timings.PrePostProcessing.TotalMilliseconds;
        }
        if (saveInputsDirectory is not null)
        {
            pipeline.SaveModelInputs(saveInputsDirectory);
        }
        var stages = new Dictionary<string, StageLatency>(StringComparer.Ordinal);
        foreach (var name in StageNames)
        {
            var values = samples[name];
            Array.Sort(values);
            stages[name] = new StageLatency(Percentile.Of(values, 0.5), Percentile.Of(values, 0.9));
        }
        return new FacePipelineBenchmarkResult(
            Path.GetFullPath(imagePath),
            image.Width,
            image.Height,
            analysis.Faces.Count,
            runs,
            warmUpRuns,
            threads,
            loadMilliseconds,
            stages,
            (double)allocated / runs);
    }
}
