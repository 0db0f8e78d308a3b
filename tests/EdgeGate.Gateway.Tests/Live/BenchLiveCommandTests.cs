using System.CommandLine;
using System.Text.Json;
using EdgeGate.TestSupport;
using EdgeGate.Tools.Bench;

namespace EdgeGate.Gateway.Tests.Live;

public sealed class BenchLiveCommandTests
{
    [FaceDataFact]
    public async Task Reports_per_camera_figures_as_json_against_the_test_server()
    {
        var photo = Path.Combine(RepositoryPaths.FaceData, "deepface", "img1.jpg");
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { BenchLiveCommand.Create() };
        var script = Path.Combine(RepositoryPaths.Root, "src", "EdgeGate.Tools", "Demo", "rtsp_server.py");
        var parse = root.Parse(["live", "--cameras", "2", "--fps", "5", "--seconds", "3", "--warmup", "2", "--width", "640", "--height", "360", "--photo", photo, "--rtsp-server", script, "--json"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, timeout.Token);

        Assert.True(exitCode == 0, error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        var result = json.RootElement;
        Assert.Equal(2, result.GetProperty("cameras").GetInt32());
        Assert.True(result.GetProperty("frame_queue_max").GetInt32() <= result.GetProperty("frame_queue_capacity").GetInt32());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("frame_to_candidate_ms").ValueKind);
        var cameras = result.GetProperty("per_camera").EnumerateArray().ToList();
        Assert.Equal(["cam1", "cam2"], cameras.Select(camera => camera.GetProperty("name").GetString()));
        Assert.All(cameras, camera =>
        {
            Assert.Equal("Streaming", camera.GetProperty("state").GetString());
            Assert.True(camera.GetProperty("fps_in").GetDouble() > 0);
        });
        Assert.True(result.GetProperty("frame_latency_ms").GetProperty("count").GetInt32() > 0);
    }

    [Fact]
    public async Task Rejects_impossible_settings_with_a_message()
    {
        var error = new StringWriter();
        var root = new RootCommand { BenchLiveCommand.Create() };
        var exitCode = await root.Parse(["live", "--cameras", "0", "--photo", "/nonexistent.jpg"]).InvokeAsync(new InvocationConfiguration { Error = error, Output = new StringWriter() });
        Assert.Equal(2, exitCode);
        Assert.Contains("--cameras must be 1 to 16", error.ToString(), StringComparison.Ordinal);
    }
}
