using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeGate.Access;
using EdgeGate.Configuration;
using EdgeGate.Core.Access;
using EdgeGate.Gallery;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Gateway.Tests.Enrolment;
using EdgeGate.Recognition;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Vision.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary>
/// The property office changes persons with the command line while the gateway runs: the running
/// host (<see cref="GatewayHost.Build"/>, real SQLite file, real face models) must apply each change
/// within two seconds, as it does for the API's. The enrolment runs as a separate `edgegate` process;
/// the other commands in-process, on their own connections to the file.
/// </summary>
[Collection(EnrolmentCollection.Name)]
public sealed class CliChangesReachRunningGatewayTests(FacePipelineFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>What a change made with the command line may take to reach the running gateway.</summary>
    private static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(90);
    private const string Door = "gate";

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-cli-live-").FullName;
    private WebApplication? app;

    private string ConfigPath => Path.Combine(directory, "edgegate.json");

    public async Task InitializeAsync()
    {
        var configuration = new JsonObject
        {
            ["Gateway"] = InProcessCli.GatewaySection(directory),
            ["Uplink"] = new JsonObject { ["Enabled"] = false },
            ["Api"] = new JsonObject { ["Enabled"] = false },
            ["Policy"] = new JsonObject { ["Cooldown"] = "00:00:00" },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = Door, ["Kind"] = "Log", ["PulseLength"] = "00:00:00.100" } },
        };
        await File.WriteAllTextAsync(ConfigPath, configuration.ToJsonString());
        app = GatewayHost.Build(EdgeGateSettings.Load(ConfigPath), consoleLevel: LogEventLevel.Warning, configurationPath: ConfigPath);
        await app.StartAsync();
        await app.Services.GetRequiredService<GallerySyncService>().Loaded.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        Directory.Delete(directory, recursive: true);
    }

    [FaceDataFact]
    public async Task Enrolment_suspension_reinstatement_and_deregistration_from_the_command_line_reach_the_running_gateway_within_two_seconds()
    {
        var (enrolPhoto, probe) = PhotoAndProbeOfOnePerson();
        var identifier = app!.Services.GetRequiredService<IFaceIdentifier>();
        var gallery = app.Services.GetRequiredService<FaceGallery>();
        Assert.Equal(FaceVoteKind.NoMatch, identifier.Identify(probe).Kind);

        Assert.Equal(0, (await CliAsync("persons", "add", "r-1", "--name", "Resident One", "--consent")).ExitCode);
        var enrolled = await GatewayProcess.RunAsync(directory, CommandBound, "enrol", "r-1", "--photo", enrolPhoto, "--config", ConfigPath);
        output.WriteLine($"$ edgegate enrol r-1 --photo {enrolPhoto} (separate process) -> {enrolled.ExitCode}\n{enrolled.Output}");
        Assert.True(enrolled.ExitCode == 0, enrolled.Output);
        await WithinAsync("the enrolled face is recognised", () => identifier.Identify(probe) is { Kind: FaceVoteKind.Match, PersonId: "r-1" });

        Assert.Equal(0, (await CliAsync("persons", "suspend", "r-1")).ExitCode);
        await WithinAsync("the suspension applies", async () => (await DecideAsync("r-1")) == "DENIED_SUSPENDED");
        Assert.Equal(0, (await CliAsync("persons", "reinstate", "r-1")).ExitCode);
        await WithinAsync("the reinstatement applies", async () => (await DecideAsync("r-1")) == "GRANTED_FACE");

        Assert.Equal(0, (await CliAsync("persons", "deregister", "r-1", "--yes")).ExitCode);
        await WithinAsync("the moved-out resident's face leaves memory", () =>
            identifier.Identify(probe).Kind == FaceVoteKind.NoMatch && gallery.GetTemplateIds("r-1").Count == 0 && gallery.IsPersonEligible("r-1") is null);
        Assert.Equal(0, gallery.PersonCount);
        Assert.Equal(0, gallery.TemplateCount);
    }

    private Task<InProcessCli.Result> CliAsync(params string[] arguments) =>
        InProcessCli.RunAsync([PersonsCommand.Create(), CardsCommand.Create()], [.. arguments, "--config", ConfigPath], output);

    /// <summary>A face attempt for <paramref name="personId"/> through the running gateway's decision stage; its reason code.</summary>
    private async Task<string> DecideAsync(string personId)
    {
        var decisions = app!.Services.GetRequiredService<DecisionService>();
        var attempt = AccessAttempt.ForFace(new FaceCredential(personId, 0.8, 0.95, LivenessPassed: true, "test-cam"), Door, DateTimeOffset.UtcNow);
        var made = await decisions.DecideAsync(attempt, CancellationToken.None);
        return made!.Decision.ReasonCode;
    }

    private async Task WithinAsync(string what, Func<bool> condition) => await WithinAsync(what, () => Task.FromResult(condition()));

    /// <summary>Polls <paramref name="condition"/> from now on and fails unless it holds within <see cref="LiveWithin"/>.</summary>
    private async Task WithinAsync(string what, Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        await Eventually.UntilAsync(condition, LiveWithin, $"{what} within {LiveWithin.TotalSeconds:0} s of the command");
        output.WriteLine($"{what}: {watch.Elapsed.TotalMilliseconds:0} ms after the command");
    }

    /// <summary>Two photos of one identity of ../shared/face-data that the pipeline matches clearly: one to enrol, the other's embedding as the probe.</summary>
    private (string EnrolPhoto, float[] Probe) PhotoAndProbeOfOnePerson()
    {
        var identities = FacePipelineFixture.FaceData!.Photos
            .Where(photo => photo.IsLabelled && !photo.IsDuplicate && !photo.MultiFace)
            .GroupBy(photo => photo.Label!)
            .OrderBy(group => group.Key, StringComparer.Ordinal);
        foreach (var identity in identities)
        {
            var photos = identity.OrderBy(photo => photo.Path, StringComparer.Ordinal).Take(3).ToList();
            var embeddings = photos.Select(photo => (Photo: photo, Faces: fixture.Pipeline.AnalyseFile(photo.FullPath))).Where(pair => pair.Faces.Count == 1).ToList();
            for (var first = 0; first < embeddings.Count; first++)
            {
                for (var second = 0; second < embeddings.Count; second++)
                {
                    var enrol = embeddings[first].Faces[0].Embedding.Span;
                    var probe = embeddings[second].Faces[0].Embedding.Span;
                    if (first != second && System.Numerics.Tensors.TensorPrimitives.Dot(enrol, probe) > 0.65f)
                    {
                        return (embeddings[first].Photo.FullPath, probe.ToArray());
                    }
                }
            }
        }
        throw new InvalidOperationException("no identity in ../shared/face-data has two photos the pipeline matches clearly");
    }
}
