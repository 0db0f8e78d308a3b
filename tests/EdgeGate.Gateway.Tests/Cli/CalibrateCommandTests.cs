using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Persons;
using EdgeGate.Configuration;
using EdgeGate.Access;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Tests.Enrolment;
using EdgeGate.Storage.Journal;
using EdgeGate.Vision.Models;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary>
/// <c>edgegate calibrate</c> on a real database and configuration file: the site's templates with the
/// reference faces of the shipped sample photos (the real face models), the threshold written into the
/// file with everything else kept, the change journaled; bad input changes nothing.
/// </summary>
public sealed class CalibrateCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-calibrate-").FullName;

    private string ConfigPath => Path.Combine(directory, "edgegate.json");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private Task<InProcessCli.Result> RunAsync(params string[] arguments) =>
        InProcessCli.RunAsync([CalibrateCommand.Create()], ["calibrate", .. arguments, "--config", ConfigPath], output);

    private async Task WriteConfigurationAsync()
    {
        var configuration = new JsonObject
        {
            ["Gateway"] = InProcessCli.GatewaySection(directory),
            ["Recognition"] = new JsonObject { ["Margin"] = 0.07, ["VotesRequired"] = 2 },
            ["Policy"] = new JsonObject { ["Cooldown"] = "00:00:20" },
        };
        await File.WriteAllTextAsync(ConfigPath, configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Persons with three templates each: random unit vectors, each person's near their own centre.</summary>
    private async Task EnrolAsync(int persons)
    {
        var settings = EdgeGateSettings.Load(ConfigPath);
        var modelId = ModelCatalog.Locate().Get(ModelNames.Embedding).ModelId!;
        await using var database = GatewayDatabase.Open(settings);
        var random = new Random(5);
        for (var person = 0; person < persons; person++)
        {
            var centre = Unit(random, null, 0);
            var templates = Enumerable.Range(0, 3)
                .Select(index => new FaceTemplate { PersonId = $"r-{person}", ModelId = modelId, Embedding = Unit(random, centre, 0.8f), Quality = 0.9f })
                .ToList();
            var result = await database.Persons.EnrolAsync(new Person { Id = $"r-{person}", DisplayName = $"Resident {person}" }.Consented(), templates);
            Assert.Equal(Storage.Persons.PersonWriteStatus.Applied, result.Status);
        }
    }

    [Fact]
    public async Task Calibration_writes_the_threshold_keeps_the_rest_of_the_file_and_journals_the_change()
    {
        await WriteConfigurationAsync();
        await EnrolAsync(persons: 30);

        var result = await RunAsync("--target-far", "1e-3");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("method:", result.Output, StringComparison.Ordinal);
        Assert.Contains("empirical quantile", result.Output, StringComparison.Ordinal);
        Assert.Contains("expected TAR:   1.0000", result.Output, StringComparison.Ordinal);
        var written = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        var threshold = written["Recognition"]!["MatchThreshold"]!.GetValue<double>();
        Assert.InRange(threshold, 0.05, 0.6);
        Assert.Equal(0.07, written["Recognition"]!["Margin"]!.GetValue<double>());
        Assert.Equal(2, written["Recognition"]!["VotesRequired"]!.GetValue<int>());
        Assert.Equal("00:00:20", written["Policy"]!["Cooldown"]!.GetValue<string>());
        Assert.Equal("cli-site", written["Gateway"]!["SiteId"]!.GetValue<string>());
        var settings = EdgeGateSettings.Load(ConfigPath);
        Assert.Equal(threshold, settings.Recognition.MatchThreshold);
        Assert.Contains(threshold.ToString("0.000", CultureInfo.InvariantCulture), result.Output, StringComparison.Ordinal);

        await using var database = GatewayDatabase.Open(settings);
        var entry = Assert.Single(await database.Journal.ReadFromAsync(0, 10), row => row.Type == CalibrateCommand.JournalType);
        Assert.Equal(JournalLane.Event, entry.Lane);
        using var payload = JsonDocument.Parse(entry.PayloadJson);
        Assert.Equal(threshold, payload.RootElement.GetProperty("threshold").GetDouble());
        Assert.Equal(RecognitionOptions.DefaultMatchThreshold, payload.RootElement.GetProperty("previousThreshold").GetDouble());
        Assert.Equal("empirical_quantile", payload.RootElement.GetProperty("method").GetString());
        Assert.True(payload.RootElement.GetProperty("referenceImpostorPairs").GetInt32() > 0, "the shipped reference faces were used");

        // A lower target rate asks for more than the pairs can show: a fitted tail, and a higher threshold.
        var stricter = await RunAsync("--target-far", "1e-5", "--dry-run");
        Assert.Equal(0, stricter.ExitCode);
        Assert.Contains("fitted tail", stricter.Output, StringComparison.Ordinal);
        Assert.Equal(threshold, JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!["Recognition"]!["MatchThreshold"]!.GetValue<double>());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_exit_2_and_nothing_changes()
    {
        var missing = await RunAsync("--target-far", "1e-4");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(ConfigPath));

        await WriteConfigurationAsync();
        var before = await File.ReadAllTextAsync(ConfigPath);
        foreach (var target in new[] { "0", "0.2", "-1e-4" })
        {
            var refused = await RunAsync("--target-far", target);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("--target-far must be above 0 and at most 0.1", refused.Error, StringComparison.Ordinal);
        }
        var empty = await RunAsync("--target-far", "1e-4");
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("calibration needs at least two", empty.Error, StringComparison.Ordinal);

        await EnrolAsync(persons: 2);
        var tooFew = await RunAsync("--target-far", "1e-4", "--reference-photos", Path.Combine(directory, "no-such-folder"));
        Assert.Equal(2, tooFew.ExitCode);
        Assert.Contains("reference photos are missing", tooFew.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(ConfigPath));
        await using var database = GatewayDatabase.Open(EdgeGateSettings.Load(ConfigPath));
        Assert.DoesNotContain(await database.Journal.ReadFromAsync(0, 10), row => row.Type == CalibrateCommand.JournalType);
    }

    /// <summary>A random unit vector; near <paramref name="centre"/> (cosine about <paramref name="closeness"/>) when one is given.</summary>
    private static float[] Unit(Random random, float[]? centre, float closeness)
    {
        var values = new float[512];
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = (float)((random.NextDouble() * 2) - 1);
        }
        Normalise(values);
        if (centre is not null)
        {
            for (var index = 0; index < values.Length; index++)
            {
                values[index] = (closeness * centre[index]) + (MathF.Sqrt(1 - (closeness * closeness)) * values[index]);
            }
            Normalise(values);
        }
        return values;
    }

    private static void Normalise(float[] values)
    {
        var norm = MathF.Sqrt(values.Sum(value => value * value));
        for (var index = 0; index < values.Length; index++)
        {
            values[index] /= norm;
        }
    }
}
