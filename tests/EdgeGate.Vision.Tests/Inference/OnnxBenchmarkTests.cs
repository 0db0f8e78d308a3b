using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Tests.Inference;

public sealed class OnnxBenchmarkTests
{
    [Fact]
    public void A_short_benchmark_reports_ordered_latencies_and_no_allocations()
    {
        var settings = new OnnxBenchmarkSettings
        {
            ModelPath = OnnxBenchmark.ResolveModelPath(ModelNames.Landmarks),
            Threads = 1,
            Runs = 30,
            WarmUpRuns = 3,
        };

        var result = OnnxBenchmark.Run(settings);

        Assert.Equal(ReferenceData.Catalog.GetModelPath(ModelNames.Landmarks), result.ModelPath);
        Assert.Equal("1.32.0", result.RuntimeVersion);
        Assert.Equal(30, result.Runs);
        Assert.False(result.AllowSpinning);
        Assert.True(result.MinimumMilliseconds > 0);
        Assert.True(result.MinimumMilliseconds <= result.MedianMilliseconds);
        Assert.True(result.MedianMilliseconds <= result.P90Milliseconds);
        Assert.True(result.P90Milliseconds <= result.MaximumMilliseconds);
        Assert.InRange(result.MeanMilliseconds, result.MinimumMilliseconds, result.MaximumMilliseconds);
        Assert.Equal(0, result.BytesAllocatedPerRun);
    }

    [Fact]
    public void Model_names_resolve_through_the_catalog_and_unknown_names_are_refused()
    {
        Assert.Equal(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding), OnnxBenchmark.ResolveModelPath("Embedding"));
        // The model files' own names, as the manifest gives them, work too.
        Assert.Equal(ReferenceData.Catalog.GetModelPath(ModelNames.Embedding), OnnxBenchmark.ResolveModelPath("fr_feature"));
        Assert.Equal(ReferenceData.Catalog.GetModelPath(ModelNames.Detect), OnnxBenchmark.ResolveModelPath("FR_DETECT.onnx"));
        var error = Assert.Throws<FileNotFoundException>(() => OnnxBenchmark.ResolveModelPath("pose"));
        Assert.Contains("detect, landmarks, embedding, liveness", error.Message);
        Assert.Contains("fr_feature", error.Message);
        Assert.Contains("fr_detect", error.Message);
    }

    [Fact]
    public void The_benchmark_input_is_the_reference_input()
    {
        var benchmark = new float[5000];
        OnnxBenchmark.FillDeterministic(benchmark);
        Assert.Equal(ReferenceData.Create(5000), benchmark);
    }
}
