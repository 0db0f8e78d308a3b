using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Core.Recognition;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>A presentation attack is denied as a spoof with an alert, and every face decision journals the liveness evidence it used.</summary>
public sealed class SpoofDecisionTests
{
    private static void LogDoor(JsonObject configuration) =>
        configuration["Doors"] = new JsonArray { new JsonObject { ["Name"] = "main-gate", ["Kind"] = "Log", ["PulseLength"] = "00:00:00.200" } };

    private static PresentationEvidence Evidence(PresentationVerdict verdict, string? reason, InfraredEvidence infrared, int confirmed, int missing) => new(
        verdict, reason, LivenessScore: 0.91, CheckScore: 0.77, FramesPassed: verdict == PresentationVerdict.BonaFide ? 3 : 0, Frames: 3,
        MotionEvidence.NotEnoughMotion, MotionParallaxShare: null, BlinkSeen: false, BlinkRequired: false, infrared, confirmed, missing);

    [Fact]
    public async Task A_face_missing_in_infrared_is_denied_as_a_spoof_on_the_alert_lane_with_its_evidence()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoor, startServices: false);
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = "a-101", DisplayName = "Ana" })).Succeeded);
        var evidence = Evidence(PresentationVerdict.Attack, PresentationEvidence.InfraredNoFaceReason, InfraredEvidence.NoFace, confirmed: 0, missing: 3);
        var attempt = AccessAttempt.ForFace(new FaceCredential("a-101", 0.62, 0.91, LivenessPassed: false, "gate-cam", evidence), "main-gate", DateTimeOffset.UtcNow, trackId: 4);

        var made = await host.Decisions.DecideAsync(attempt, CancellationToken.None);

        Assert.Equal(AccessReason.DeniedSpoof, made!.Decision.Reason);
        Assert.Equal(AccessAlerts.SpoofAttempt, made.Decision.Alerts);
        var entry = Assert.Single(await host.JournalAsync());
        Assert.Equal(JournalLane.Alert, entry.Lane);
        var data = JsonDocument.Parse(entry.PayloadJson).RootElement;
        Assert.Equal("DENIED_SPOOF", data.GetProperty("reason").GetString());
        Assert.Equal(["spoof_attempt"], data.GetProperty("alerts").EnumerateArray().Select(alert => alert.GetString()));
        Assert.False(data.GetProperty("livenessPassed").GetBoolean());
        var presentation = data.GetProperty("presentation");
        Assert.Equal("attack", presentation.GetProperty("verdict").GetString());
        Assert.Equal("infrared_no_face", presentation.GetProperty("reason").GetString());
        Assert.Equal(0.91, presentation.GetProperty("livenessModel").GetDouble());
        Assert.Equal(0.77, presentation.GetProperty("check").GetDouble());
        Assert.Equal("no_face", presentation.GetProperty("infrared").GetString());
        Assert.Equal(3, presentation.GetProperty("infraredMissing").GetInt32());
        Assert.Equal("not_enough_motion", presentation.GetProperty("motion").GetString());
        Assert.False(presentation.TryGetProperty("motionParallaxShare", out _));
        Assert.Empty(host.Doors.For("main-gate").Waiting);
        Assert.Empty(host.DriverCalls);
    }

    [Fact]
    public async Task A_granted_face_journals_the_evidence_it_passed_on()
    {
        await using var host = await AccessTestHost.StartAsync(LogDoor, startServices: false);
        Assert.True((await host.Database.Persons.AddAsync(new Person { Id = "a-101", DisplayName = "Ana" })).Succeeded);
        var evidence = Evidence(PresentationVerdict.BonaFide, null, InfraredEvidence.Confirmed, confirmed: 3, missing: 0);
        var attempt = AccessAttempt.ForFace(new FaceCredential("a-101", 0.62, 0.91, LivenessPassed: true, "gate-cam", evidence), "main-gate", DateTimeOffset.UtcNow, trackId: 4);

        var made = await host.Decisions.DecideAsync(attempt, CancellationToken.None);

        Assert.Equal(AccessReason.GrantedFace, made!.Decision.Reason);
        var entry = Assert.Single(await host.JournalAsync());
        Assert.Equal(JournalLane.Event, entry.Lane);
        var presentation = JsonDocument.Parse(entry.PayloadJson).RootElement.GetProperty("presentation");
        Assert.Equal("bona_fide", presentation.GetProperty("verdict").GetString());
        Assert.False(presentation.TryGetProperty("reason", out _));
        Assert.Equal("confirmed", presentation.GetProperty("infrared").GetString());
        Assert.Equal(3, presentation.GetProperty("framesPassed").GetInt32());
    }
}
