using System.Drawing;
using System.Text.Json;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Core.Recognition;
using EdgeGate.Configuration;
using EdgeGate.Recognition;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Access;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Gateway.Tests.EndToEnd;
using EdgeGate.Storage.Journal;
using EdgeGate.TestSupport.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>The paired camera's figures, pure.</summary>
public sealed class InfraredMatchTests
{
    private static readonly RectangleF Expected = new(100, 100, 80, 80);

    [Fact]
    public void A_face_near_the_matching_place_and_of_about_the_same_size_confirms()
    {
        Assert.True(InfraredPairing.Matches(Expected, [new RectangleF(125, 95, 90, 90)], tolerance: 0.5));
        Assert.True(InfraredPairing.Matches(Expected, [new RectangleF(500, 500, 80, 80), new RectangleF(105, 110, 70, 70)], tolerance: 0.5));
    }

    [Fact]
    public void No_face_a_face_elsewhere_or_of_another_size_does_not_confirm()
    {
        Assert.False(InfraredPairing.Matches(Expected, [], tolerance: 0.5));
        Assert.False(InfraredPairing.Matches(Expected, [new RectangleF(200, 100, 80, 80)], tolerance: 0.5));
        Assert.False(InfraredPairing.Matches(Expected, [new RectangleF(110, 110, 30, 30)], tolerance: 0.5));
        Assert.False(InfraredPairing.Matches(Expected, [new RectangleF(60, 60, 200, 200)], tolerance: 0.5));
    }
}

/// <summary>
/// A colour camera and its paired near-infrared camera as two real RTSP streams of the GStreamer
/// test server, through the whole gateway host (capture, face pipeline, gallery from the database,
/// decision, journal): an enrolled person whose face the infrared stream also shows (a grey copy of
/// the frame, as a near-infrared sensor gives) is granted; the same person shown on a "screen" —
/// the infrared stream stays dark — is denied DENIED_SPOOF with a spoof_attempt alert carrying the
/// infrared evidence. Runs with the end-to-end tests, one whole gateway at a time.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class InfraredPairingLiveTests(LiveFaceData data) : IClassFixture<LiveFaceData>
{
    private const string ColourCamera = "gate-colour";
    private const string InfraredCamera = "gate-infrared";
    private const string Door = "main-gate";
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(40);

    [FaceDataFact]
    public async Task A_face_the_infrared_camera_also_sees_is_granted_with_the_infrared_confirmation_journaled()
    {
        var (width, height) = LiveFaceData.StreamSizeFor(data.ProbePhoto!);
        using var folder = new TemporaryFolder();
        var grey = InfraredImages.GreyCopy(data.ProbePhoto!, Path.Combine(folder.Path, "infrared.jpg"));
        using var colour = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.ProbePhoto!, 60)], width, height);
        // The infrared camera shows the face from the start: whenever the colour camera sees it, so does it.
        using var infrared = await RtspTestServer.StartAsync([RtspSegment.Image(grey, 61)], width, height);
        await using var gate = await PairedGate.StartAsync(data, folder.Path, colour.Url, infrared.Url);

        var made = await gate.WaitForDecisionAsync(DecisionTimeout);

        Assert.Equal(AccessReason.GrantedFace, made.Decision.Reason);
        var face = Assert.IsType<FaceCredential>(made.Decision.Credential);
        var evidence = Assert.IsType<PresentationEvidence>(face.Presentation);
        Assert.Equal(InfraredEvidence.Confirmed, evidence.Infrared);
        // Every frame the track was judged on (one for a one-frame decision, more for a vote) was confirmed.
        Assert.True(evidence.InfraredConfirmedFrames >= 1, $"{evidence}");
        Assert.Equal(evidence.Frames, evidence.InfraredConfirmedFrames);
        var entry = await gate.JournalEntryAsync(made.Seq!.Value);
        Assert.Equal(JournalLane.Event, entry.Lane);
        var presentation = JsonDocument.Parse(entry.PayloadJson).RootElement.GetProperty("presentation");
        Assert.Equal("bona_fide", presentation.GetProperty("verdict").GetString());
        Assert.Equal("confirmed", presentation.GetProperty("infrared").GetString());
        var health = gate.Health.Find(InfraredCamera)!;
        Assert.True(health.FramesAnalysed > 0, "the infrared frames were searched for faces");
    }

    [FaceDataFact]
    public async Task A_face_the_infrared_camera_does_not_see_is_denied_as_a_spoof_with_an_alert_and_its_evidence()
    {
        var (width, height) = LiveFaceData.StreamSizeFor(data.ProbePhoto!);
        using var folder = new TemporaryFolder();
        using var colour = await RtspTestServer.StartAsync([RtspSegment.Blank(1), RtspSegment.Image(data.ProbePhoto!, 60)], width, height);
        // A phone screen emits no near infrared: the paired camera sees no face where the colour camera does.
        using var infrared = await RtspTestServer.StartAsync([RtspSegment.Blank(61)], width, height);
        await using var gate = await PairedGate.StartAsync(data, folder.Path, colour.Url, infrared.Url);

        var made = await gate.WaitForDecisionAsync(DecisionTimeout);

        Assert.Equal(AccessReason.DeniedSpoof, made.Decision.Reason);
        Assert.Equal(AccessAlerts.SpoofAttempt, made.Decision.Alerts);
        Assert.Equal(data.PersonId, made.Decision.PersonId);
        var evidence = ((FaceCredential)made.Decision.Credential).Presentation!;
        Assert.Equal(PresentationVerdict.Attack, evidence.Verdict);
        Assert.Equal(PresentationEvidence.InfraredNoFaceReason, evidence.AttackReason);
        Assert.Equal(InfraredEvidence.NoFace, evidence.Infrared);
        var entry = await gate.JournalEntryAsync(made.Seq!.Value);
        Assert.Equal(JournalLane.Alert, entry.Lane);
        var payload = JsonDocument.Parse(entry.PayloadJson).RootElement;
        Assert.Equal("DENIED_SPOOF", payload.GetProperty("reason").GetString());
        Assert.Contains("spoof_attempt", payload.GetProperty("alerts").EnumerateArray().Select(alert => alert.GetString()));
        Assert.Equal("infrared_no_face", payload.GetProperty("presentation").GetProperty("reason").GetString());
        Assert.True(payload.GetProperty("presentation").GetProperty("infraredMissing").GetInt32() >= 3);
    }

    /// <summary>The gateway host with one door, its colour camera and that camera's infrared camera, the fixture's person enrolled.</summary>
    private sealed class PairedGate : IAsyncDisposable
    {
        private readonly WebApplication app;

        private PairedGate(WebApplication app) => this.app = app;

        public CameraHealthRegistry Health => app.Services.GetRequiredService<CameraHealthRegistry>();

        public static async Task<PairedGate> StartAsync(LiveFaceData data, string folder, string colourUrl, string infraredUrl)
        {
            var settings = new EdgeGateSettings
            {
                Gateway = new GatewayOptions
                {
                    SiteId = "ir-site",
                    GatewayId = "ir-gate",
                    DataDirectory = Path.Combine(folder, "data"),
                    CredentialsDirectory = Path.Combine(folder, "credentials"),
                    LogDirectory = Path.Combine(folder, "logs"),
                    TimeZone = "UTC",
                },
                Cameras =
                [
                    new CameraOptions { Name = ColourCamera, Url = colourUrl, Door = Door, AnalyseFps = 8 },
                    new CameraOptions { Name = InfraredCamera, Url = infraredUrl, Door = Door, AnalyseFps = 10, InfraredOf = ColourCamera },
                ],
                Doors = [new DoorOptions { Name = Door, Kind = DoorKind.Log, PulseLength = TimeSpan.FromMilliseconds(300) }],
                Uplink = new UplinkOptions { Enabled = false },
                Api = new ApiOptions { Enabled = false },
            };
            var problems = settings.Validate();
            Assert.True(problems.Count == 0, string.Join("; ", problems));

            await using (var database = GatewayDatabase.Open(settings))
            {
                var now = DateTimeOffset.UtcNow;
                var person = new Person { Id = data.PersonId!, DisplayName = "Resident", ValidFrom = now.AddDays(-1), ValidUntil = now.AddDays(30), ConsentAt = now, ConsentRecordedBy = "test office" };
                using var enrolment = new EnrolmentService(database, data.Analyser.Pipeline);
                var outcome = await enrolment.EnrolAsync(person, [await EnrolmentPhoto.ReadAsync(data.EnrolmentPhoto!)]);
                Assert.True(outcome.Succeeded, $"{outcome.Status} {outcome.Message}");
            }
            var app = GatewayHost.Build(settings, services => services.AddSingleton<IFaceAnalyser>(new BorrowedAnalyser(data.Analyser)), LogEventLevel.Warning);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StartAsync(limit.Token);
            return new PairedGate(app);
        }

        /// <summary>The first face decision at the door.</summary>
        public async Task<DecisionMade> WaitForDecisionAsync(TimeSpan timeout)
        {
            var feed = app.Services.GetRequiredService<DecisionFeed>();
            var made = await Eventually.WaitForAsync(
                () => feed.Recent.OfType<DecisionMade>().FirstOrDefault(decision => decision.Decision.Credential is FaceCredential),
                decision => decision is not null,
                timeout,
                "a face decision",
                () => $"cameras: {string.Join("; ", Health.Snapshot())}");
            return made!;
        }

        public async Task<JournalEntry> JournalEntryAsync(long seq)
        {
            var database = app.Services.GetRequiredService<Storage.EdgeGateDatabase>();
            var entries = await database.Journal.ReadFromAsync(0, 1000);
            return Assert.Single(entries, entry => entry.Seq == seq);
        }

        public async ValueTask DisposeAsync()
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await app.StopAsync(limit.Token);
            await app.DisposeAsync();
        }
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("edgegate-ir-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        }
    }
}
