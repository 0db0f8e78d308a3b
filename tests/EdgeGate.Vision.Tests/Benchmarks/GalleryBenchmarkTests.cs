using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Gallery;

namespace EdgeGate.Vision.Tests.Benchmarks;

/// <summary>Runs alone: the memory measurement is process-wide and would count other tests' allocations.</summary>
[CollectionDefinition(nameof(GalleryBenchmarkTests), DisableParallelization = true)]
[Collection(nameof(GalleryBenchmarkTests))]
public sealed class GalleryBenchmarkTests
{
    [Fact]
    public void A_small_int8_run_reports_coherent_numbers_and_agrees_with_float()
    {
        var report = GalleryBenchmark.Run(new GalleryBenchmarkOptions
        {
            Size = 3000,
            Queries = 30,
            Precision = GalleryPrecision.Int8,
            CompareWithFloat = true,
            FloorPasses = 3,
        });

        Assert.Equal(1000, report.Persons);
        Assert.Equal(30, report.MatchedProbes);
        Assert.Equal(512 + 4 + 8 + 4, report.MemoryBytesPerTemplateTheoretical);
        Assert.Equal(3000L * (512 + 4), report.ScannedBytesPerSearch);
        Assert.True(report.SearchMilliseconds.Minimum <= report.SearchMilliseconds.Median);
        Assert.True(report.SearchMilliseconds.Median <= report.SearchMilliseconds.Percentile95);
        Assert.True(report.BandwidthFloorMilliseconds > 0);
        Assert.NotNull(report.ClusteredAgreement);
        Assert.Equal(1.0, report.ClusteredAgreement.TopOneAgreement);
        Assert.InRange(report.ClusteredAgreement.MaximumAbsoluteSimilarityError, 0, 0.01);
        Assert.NotNull(report.RandomAgreement);
        Assert.InRange(report.RandomAgreement.MaximumAbsoluteSimilarityError, 0, 0.01);
    }

    [Fact]
    public void A_small_float_run_measures_memory_close_to_the_theory()
    {
        var report = GalleryBenchmark.Run(new GalleryBenchmarkOptions { Size = 8000, Queries = 10, FloorPasses = 2 });

        Assert.Equal(10, report.MatchedProbes);
        Assert.Equal(2048 + 8 + 4, report.MemoryBytesPerTemplateTheoretical);
        Assert.InRange(report.MemoryBytesPerTemplateStorage, 2060, 2060 * 1.25);
        // Measured includes the id map and person table: more than the rows, but not wildly more.
        Assert.InRange(report.MemoryBytesPerTemplateMeasured, 2060, 2060 * 1.5);
        Assert.Null(report.ClusteredAgreement);
    }
}
