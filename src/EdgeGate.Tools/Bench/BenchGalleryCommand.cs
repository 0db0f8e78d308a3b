using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Gallery;

namespace EdgeGate.Tools.Bench;

/// <summary><c>edgegate bench gallery</c>: 1:N search latency, memory and the bandwidth floor on synthetic people.</summary>
public static class BenchGalleryCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "Templates in the gallery.", DefaultValueFactory = _ => 100_000 };
        var quantize = new Option<string>("--quantize") { Description = "Storage precision: none (float32) or int8.", DefaultValueFactory = _ => "none" };
        quantize.AcceptOnlyFromAmong("none", "int8");
        var threads = new Option<int>("--threads") { Description = "Threads one search may use.", DefaultValueFactory = _ => 1 };
        var queries = new Option<int>("--queries") { Description = "Searches to time.", DefaultValueFactory = _ => 200 };
        var dimension = new Option<int>("--dimension") { Description = "Embedding length.", DefaultValueFactory = _ => 512 };
        var templatesPerPerson = new Option<int>("--templates-per-person") { Description = "Templates enrolled per synthetic person.", DefaultValueFactory = _ => 3 };
        var compare = new Option<bool>("--compare") { Description = "With --quantize int8: also build a float gallery and report top-1 agreement and similarity error." };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic data.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };

        var command = new Command("gallery", "Benchmark the 1:N face gallery on synthetic people: search latency, memory per template, and the memory-bandwidth floor.")
        {
            size, quantize, threads, queries, dimension, templatesPerPerson, compare, seed, json,
        };

        command.SetAction(parseResult =>
        {
            var options = new GalleryBenchmarkOptions
            {
                Size = parseResult.GetValue(size),
                Precision = parseResult.GetValue(quantize) == "int8" ? GalleryPrecision.Int8 : GalleryPrecision.Float32,
                SearchThreads = parseResult.GetValue(threads),
                Queries = parseResult.GetValue(queries),
                Dimension = parseResult.GetValue(dimension),
                TemplatesPerPerson = parseResult.GetValue(templatesPerPerson),
                CompareWithFloat = parseResult.GetValue(compare),
                Seed = parseResult.GetValue(seed),
            };

            var asJson = parseResult.GetValue(json);
            GalleryBenchmarkReport report;
            try
            {
                report = GalleryBenchmark.Run(options, asJson ? null : message => Console.Error.WriteLine(message));
            }
            catch (ArgumentException exception)
            {
                Console.Error.WriteLine(exception.Message);
                return 2;
            }

            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
            }
            else
            {
                PrintText(report);
            }

            return 0;
        });

        return command;
    }

    private static void PrintText(GalleryBenchmarkReport report)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture, $"gallery: {report.Size} templates, {report.Persons} persons, {report.Dimension}-d {report.Precision}, {report.SearchThreads} thread(s), {report.VectorPath}"));
        Console.WriteLine(string.Create(culture, $"search: median {report.SearchMilliseconds.Median:F2} ms, p95 {report.SearchMilliseconds.Percentile95:F2} ms, min {report.SearchMilliseconds.Minimum:F2} ms ({report.Queries} queries, {report.MatchedProbes} probes found their person)"));
        Console.WriteLine(string.Create(culture, $"floor: {report.BandwidthFloorMilliseconds:F2} ms to stream the rows once ({report.BandwidthFloorGigabytesPerSecond:F1} GB/s); search/floor median {report.SearchOverFloor:F2}, fastest {report.FastestSearchOverFloor:F2}"));
        // With --compare a float gallery is held beside the measured one, so the heap says nothing per template.
        var measured = double.IsNaN(report.MemoryBytesPerTemplateMeasured)
            ? "not measured (--compare holds a second gallery)"
            : string.Create(culture, $"measured {report.MemoryBytesPerTemplateMeasured:F0} B");
        Console.WriteLine(string.Create(culture, $"memory per template: {measured}, storage {report.MemoryBytesPerTemplateStorage:F0} B, theoretical {report.MemoryBytesPerTemplateTheoretical} B"));
        if (report.ClusteredAgreement is { } clustered && report.RandomAgreement is { } random)
        {
            Console.WriteLine(string.Create(culture, $"vs float, probes of enrolled people: top-1 agreement {clustered.TopOneAgreement:P2}, similarity error mean {clustered.MeanAbsoluteSimilarityError:F5} max {clustered.MaximumAbsoluteSimilarityError:F5}"));
            Console.WriteLine(string.Create(culture, $"vs float, random vectors: top-1 agreement {random.TopOneAgreement:P2}, similarity error mean {random.MeanAbsoluteSimilarityError:F5} max {random.MaximumAbsoluteSimilarityError:F5}"));
        }
    }
}
