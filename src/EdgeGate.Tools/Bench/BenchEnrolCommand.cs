using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeGate.Core.Persons;
using EdgeGate.Evaluation;
using EdgeGate.Evaluation.Benchmarks;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Models;

namespace EdgeGate.Tools.Bench;

/// <summary>
/// <c>edgegate bench enrol</c>: one-photo enrolment as a property manager does it (decode, face
/// pipeline, quality gate, duplicate search, one store transaction), one person per labelled identity,
/// into a fresh database in a temporary folder.
/// </summary>
public static class BenchEnrolCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static Command Create()
    {
        var labels = new Option<FileInfo>("--labels")
        {
            Description = "labels file (path,label,dup_of,multi_face,...): the first single-face photo of each identity is enrolled",
            Required = true,
        };
        var root = new Option<DirectoryInfo?>("--root") { Description = "folder the label paths are relative to (default: the labels file's folder)" };
        var rounds = new Option<int>("--rounds") { Description = "times the whole set is enrolled, each into a fresh database", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        rounds.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--rounds must be at least 1");
            }
        });
        var command = new Command("enrol", "Measure one-photo enrolment (decode, face pipeline, quality gate, duplicate search, store) per person")
        {
            labels, root, rounds, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var labelsFile = parseResult.GetValue(labels)!;
            if (!labelsFile.Exists)
            {
                Console.Error.WriteLine($"bench enrol: no labels file at {labelsFile.FullName}");
                return 2;
            }
            var set = LabelledPhotoSet.Load(labelsFile.FullName, parseResult.GetValue(root)?.FullName ?? labelsFile.DirectoryName!);
            var photos = set.Photos
                .Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace)
                .GroupBy(photo => photo.Label, StringComparer.Ordinal)
                .Select(group => group.First())
                .ToList();
            if (photos.Count == 0)
            {
                Console.Error.WriteLine($"bench enrol: {labelsFile.FullName} names no single-face labelled photo");
                return 2;
            }
            var result = await RunAsync(photos, parseResult.GetValue(rounds), cancellationToken);
            Console.WriteLine(parseResult.GetValue(json) ? ToJson(result) : ToText(result));
            return 0;
        });
        return command;
    }

    private sealed record EnrolBenchmarkResult(int Photos, int Rounds, int Enrolled, int Refused, double[] CheckMilliseconds, double[] TotalMilliseconds, double[] StoreMilliseconds, double MegapixelsMean);

    private static async Task<EnrolBenchmarkResult> RunAsync(IReadOnlyList<LabelledPhoto> photos, int rounds, CancellationToken cancellationToken)
    {
        var contents = new List<EnrolmentPhoto>();
        foreach (var photo in photos)
        {
            contents.Add(new EnrolmentPhoto(photo.Path, await File.ReadAllBytesAsync(photo.FullPath, cancellationToken)));
        }
        using var pipeline = FacePipeline.Load(ModelCatalog.Locate(), new FacePipelineOptions { ComputeLiveness = false });
        var check = new List<double>();
        var total = new List<double>();
        var store = new List<double>();
        var enrolled = 0;
        var refused = 0;
        var pixels = 0.0;
        // Round 0 warms the code paths and the models and is not counted.
        for (var round = 0; round <= rounds; round++)
        {
            var directory = Directory.CreateTempSubdirectory("edgegate-bench-enrol-").FullName;
            try
            {
                using var key = TemplateKeyStore.LoadOrCreate(Path.Combine(directory, "credentials"));
                await using var database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = Path.Combine(directory, "edgegate.db") }, key);
                using var enrolment = new EnrolmentService(database, pipeline);
                var now = DateTimeOffset.UtcNow;
                for (var i = 0; i < contents.Count; i++)
                {
                    var person = new Person { Id = $"bench-{i:D4}", DisplayName = $"Bench Person {i}", ValidFrom = now.AddDays(-1), ValidUntil = now.AddYears(1), ConsentAt = now, ConsentRecordedBy = "edgegate bench enrol" };
                    var started = Stopwatch.GetTimestamp();
                    var outcome = await enrolment.EnrolAsync(person, [contents[i]], cancellationToken);
                    var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (round == 0)
                    {
                        continue;
                    }
                    if (outcome.Succeeded)
                    {
                        enrolled++;
                    }
                    else
                    {
                        refused++;
                    }
                    var photoCheck = outcome.Photos.Sum(verdict => verdict.Took.TotalMilliseconds);
                    check.Add(photoCheck);
                    total.Add(took);
                    store.Add(Math.Max(0, took - photoCheck));
                }
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        foreach (var photo in contents)
        {
            using var image = Imaging.BgrImage.Decode(photo.Content);
            pixels += image.Width * (double)image.Height / 1e6;
        }
        check.Sort();
        total.Sort();
        store.Sort();
        return new EnrolBenchmarkResult(photos.Count, rounds, enrolled, refused, [.. check], [.. total], [.. store], pixels / photos.Count);
    }

    private static string ToText(EnrolBenchmarkResult result)
    {
        var culture = CultureInfo.InvariantCulture;
        return string.Join(Environment.NewLine,
            string.Create(culture, $"enrolment: {result.Photos} persons, one photo each (mean {result.MegapixelsMean:F1} MP), {result.Rounds} round(s) after a warm-up round"),
            string.Create(culture, $"enrolled {result.Enrolled}, refused {result.Refused} (quality gate or possible duplicate)"),
            string.Create(culture, $"photo check ms   median {Percentile.Of(result.CheckMilliseconds, 0.5):F1}  p95 {Percentile.Of(result.CheckMilliseconds, 0.95):F1}  max {result.CheckMilliseconds[^1]:F1}  (decode, pipeline, quality, duplicate search)"),
            string.Create(culture, $"store ms         median {Percentile.Of(result.StoreMilliseconds, 0.5):F1}  p95 {Percentile.Of(result.StoreMilliseconds, 0.95):F1}  max {result.StoreMilliseconds[^1]:F1}  (one transaction, fsync)"),
            string.Create(culture, $"enrolment ms     median {Percentile.Of(result.TotalMilliseconds, 0.5):F1}  p95 {Percentile.Of(result.TotalMilliseconds, 0.95):F1}  max {result.TotalMilliseconds[^1]:F1}"));
    }

    private static string ToJson(EnrolBenchmarkResult result) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["persons"] = result.Photos,
        ["rounds"] = result.Rounds,
        ["enrolled"] = result.Enrolled,
        ["refused"] = result.Refused,
        ["megapixels_mean"] = Math.Round(result.MegapixelsMean, 2),
        ["check_ms"] = Summary(result.CheckMilliseconds),
        ["store_ms"] = Summary(result.StoreMilliseconds),
        ["enrolment_ms"] = Summary(result.TotalMilliseconds),
    }, IndentedJson);

    private static Dictionary<string, double> Summary(double[] sorted) => new()
    {
        ["median"] = Math.Round(Percentile.Of(sorted, 0.5), 2),
        ["p95"] = Math.Round(Percentile.Of(sorted, 0.95), 2),
        ["max"] = Math.Round(sorted[^1], 2),
    };
}
