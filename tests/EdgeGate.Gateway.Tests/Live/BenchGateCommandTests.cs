using System.Text.Json;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>
/// <c>edgegate bench gate</c> as a user runs it (the built program, its own peers: the stamped RTSP
/// stream, socat and the pymodbus relay board): every presentation is granted and timed to the ON
/// frame at the board, and the stages add up to the whole.
/// </summary>
public sealed class BenchGateCommandTests
{
    [FaceDataFact]
    public async Task Times_each_grant_from_the_faces_first_frame_to_the_relay_command_at_the_board()
    {
        var faces = Path.Combine(RepositoryPaths.FaceData, "deepface");
        var result = await GatewayProcess.RunAsync(Path.GetTempPath(), TimeSpan.FromSeconds(180),
            "bench", "gate", "--presentations", "2", "--present", "1.5", "--absent", "1.5", "--pulse-ms", "500",
            "--photo", Path.Combine(faces, "img4.jpg"), "--enrol-photo", Path.Combine(faces, "img1.jpg"), "--json");

        Assert.True(result.ExitCode == 0, result.Output);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("missed_presentations").GetInt32());
        Assert.Equal(0, root.GetProperty("unexpected_grants").GetInt32());
        Assert.Equal(3, root.GetProperty("decisions").GetProperty("GRANTED_FACE").GetInt32());
        var grants = root.GetProperty("first_grants").EnumerateArray().Concat(root.GetProperty("warm_grants").EnumerateArray()).ToList();
        Assert.Equal(3, grants.Count);
        Assert.All(grants, grant =>
        {
            var total = grant.GetProperty("total_ms").GetDouble();
            Assert.InRange(total, 1, 1500);
            string[] stages = ["glass_to_frame_ms", "frame_queue_ms", "analysis_ms", "votes_ms", "decision_journal_ms", "door_command_ms"];
            var parts = stages.Select(stage => grant.GetProperty(stage).GetDouble()).ToList();
            // Each stage is a difference of two clocks read on this machine: never negative, and together the whole.
            Assert.All(parts, part => Assert.True(part >= 0, $"a negative stage in {grant}"));
            Assert.InRange(parts.Sum(), total - 0.5, total + 0.5);
            Assert.True(grant.GetProperty("glass_to_frame_ms").GetDouble() > 0, "a frame cannot arrive before it was pushed");
        });
        Assert.Equal(2, root.GetProperty("warm_grants_ms").GetProperty("count").GetInt32());
        var camera = Assert.Single(root.GetProperty("per_camera").EnumerateArray());
        Assert.True(camera.GetProperty("fps_analysed_face_in_view").GetDouble() > 0);
    }

    [Fact]
    public async Task Refuses_impossible_settings_with_a_message()
    {
        var result = await GatewayProcess.RunAsync(Path.GetTempPath(), TimeSpan.FromSeconds(60), "bench", "gate", "--cameras", "9", "--photo", "/nonexistent.jpg");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--cameras must be 1 to 8", result.Output, StringComparison.Ordinal);
    }
}
