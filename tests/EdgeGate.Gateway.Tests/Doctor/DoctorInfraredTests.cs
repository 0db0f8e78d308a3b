using System.Text.Json.Nodes;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Peers;
using EdgeGate.Gateway.Tests.Live;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Doctor;

/// <summary>
/// `edgegate doctor` on a colour camera and its paired infrared camera, both real RTSP streams: a
/// grey stream passes as infrared, the colour stream configured as the infrared camera by mistake
/// fails in plain words.
/// </summary>
public sealed class DoctorInfraredTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-doctor-ir-").FullName;

    [Fact]
    public async Task A_grey_stream_passes_as_the_infrared_camera_and_a_colour_stream_fails()
    {
        var photo = Path.Combine(RepositoryPaths.Root, ".deps", "samples", "sample1.jpg");
        var grey = InfraredImages.GreyCopy(photo, Path.Combine(directory, "grey.jpg"));
        using var colourStream = await RtspTestServer.StartAsync([RtspSegment.Image(photo, 30)], width: 640, height: 360, framesPerSecond: 15);
        using var greyStream = await RtspTestServer.StartAsync([RtspSegment.Image(grey, 30)], width: 640, height: 360, framesPerSecond: 15);

        var paired = await RunDoctorAsync(Configuration(colourStream.Url, greyStream.Url));
        Assert.Matches(@"\[ OK \] camera gate-ir \(infrared of gate-colour\): 640x360 at [0-9.]+ fps \(measured over [0-9.]+ s\) from rtsp://127\.0\.0\.1:[0-9]+/gate, grey picture \(colourfulness [0-9.]+\)", paired.Output);
        Assert.Matches(@"\[ OK \] camera gate-colour: 640x360", paired.Output);

        var mistaken = await RunDoctorAsync(Configuration(colourStream.Url, colourStream.Url));
        Assert.Matches(@"\[FAIL\] camera gate-ir \(infrared of gate-colour\): 640x360 at [0-9.]+ fps .*: the picture is in colour \(colourfulness [0-9.]+\), not a near-infrared picture", mistaken.Output);
        Assert.Contains("what to do: Cameras:1:Url must be the terminal's infrared (grey) stream, not its colour stream", mistaken.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, mistaken.ExitCode);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private async Task<GatewayProcess.Result> RunDoctorAsync(string config)
    {
        var result = await GatewayProcess.RunAsync(directory, Bound, "doctor", "--config", config);
        output.WriteLine($"$ edgegate doctor --config {config} -> {result.ExitCode}\n{result.Output}");
        return result;
    }

    private string Configuration(string colourUrl, string infraredUrl)
    {
        var configuration = new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["SiteId"] = "maple-court",
                ["GatewayId"] = "north-gate",
                ["DataDirectory"] = Path.Combine(directory, "data"),
                ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
                ["LogDirectory"] = "",
            },
            ["Api"] = new JsonObject { ["Enabled"] = false },
            ["Uplink"] = new JsonObject { ["Enabled"] = false },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "turnstile", ["Kind"] = "Log" } },
            ["Cameras"] = new JsonArray
            {
                new JsonObject { ["Name"] = "gate-colour", ["Url"] = colourUrl, ["Door"] = "turnstile", ["AnalyseFps"] = 5 },
                new JsonObject { ["Name"] = "gate-ir", ["Url"] = infraredUrl, ["Door"] = "turnstile", ["AnalyseFps"] = 5, ["InfraredOf"] = "gate-colour" },
            },
        };
        var path = Path.Combine(directory, $"edgegate-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, configuration.ToJsonString());
        return path;
    }
}
