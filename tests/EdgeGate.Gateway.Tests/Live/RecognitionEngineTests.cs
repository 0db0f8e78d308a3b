using System.Drawing;
using EdgeGate.Core.Recognition;
using EdgeGate.Configuration;
using EdgeGate.Recognition;
using EdgeGate.Vision.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Live;

public sealed class RecognitionEngineTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Embeddings here are one number: the index of the person (negative = stranger).</summary>
    private sealed class IndexIdentifier : IFaceIdentifier
    {
        public int Calls { get; private set; }

        public IdentityMatch Identify(ReadOnlySpan<float> embedding)
        {
            Calls++;
            var index = (int)embedding[0];
            return index >= 0
                ? new IdentityMatch(FaceVoteKind.Match, $"person-{index}", 0.6f, 0.4f)
                : new IdentityMatch(FaceVoteKind.NoMatch, null, 0.2f, 0.1f);
        }
    }

    private static RecognitionOptions Options(bool snapshots = false, bool oneFrame = false) => new()
    {
        VotesRequired = 3,
        VoteWindow = 5,
        LivenessThreshold = 0.5,
        MinimumFaceSize = 60,
        StrangerSnapshots = snapshots,
        // Most tests here are about the vote; the one-frame tests turn the rule on.
        OneFrameDecisions = oneFrame,
    };

    private static FaceObservation Face(int person, float x = 100, int size = 120, float liveness = 0.9f) =>
        new(new RectangleF(x, 100, size, size), size, QualityAccepted: true, new float[] { person }, liveness);

    [Fact]
    public void One_person_standing_in_view_gives_one_candidate()
    {
        var identifier = new IndexIdentifier();
        var engine = new RecognitionEngine(Options(), identifier, time);
        var events = new RecognitionEvents();
        var candidates = new List<Core.Recognition.FaceCandidate>();
        for (var i = 0; i < 50; i++)
        {
            var arrived = time.GetUtcNow();
            time.Advance(TimeSpan.FromMilliseconds(20));
            engine.Process(new FrameContext("gate", "main", arrived), [Face(7, x: 100 + i)], events);
            candidates.AddRange(events.Candidates);
            Assert.Empty(events.Strangers);
            time.Advance(Frame);
        }

        var candidate = Assert.Single(candidates);
        Assert.Equal("person-7", candidate.PersonId);
        Assert.Equal("gate", candidate.CameraName);
        Assert.Equal("main", candidate.DoorName);
        Assert.True(candidate.LivenessPassed);
        Assert.Equal(3, candidate.AgreeingFrames);
        Assert.Equal(TimeSpan.FromMilliseconds(20), candidate.FrameToCandidate);
        Assert.Equal(candidate.TrackStartedAt + (2 * (Frame + TimeSpan.FromMilliseconds(20))), candidate.FrameArrivedAt);
        // Once decided, the track's face is no longer matched against the gallery.
        Assert.Equal(3, identifier.Calls);
    }

    [Fact]
    public void Leaving_and_coming_back_is_a_new_presence()
    {
        var engine = new RecognitionEngine(Options(), new IndexIdentifier(), time);
        var events = new RecognitionEvents();
        var candidates = 0;
        foreach (var present in new[] { true, false, true })
        {
            for (var i = 0; i < 10; i++)
            {
                engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), present ? [Face(1)] : [], events);
                candidates += events.Candidates.Count;
                time.Advance(Frame);
            }
        }
        Assert.Equal(2, candidates);
    }

    [Fact]
    public void An_unknown_face_gives_one_stranger_sighting_with_a_snapshot_and_no_candidate()
    {
        var engine = new RecognitionEngine(Options(snapshots: true), new IndexIdentifier(), time);
        var events = new RecognitionEvents();
        var strangers = new List<Core.Recognition.StrangerSighting>();
        for (var i = 0; i < 30; i++)
        {
            engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(-1)], events, snapshot: _ => [0xFF, 0xD8]);
            Assert.Empty(events.Candidates);
            strangers.AddRange(events.Strangers);
            time.Advance(Frame);
        }
        var stranger = Assert.Single(strangers);
        Assert.Equal([0xFF, 0xD8], stranger.JpegSnapshot);
        Assert.Null(stranger.ToCredential().PersonId);
    }

    [Fact]
    public void Cameras_are_tracked_separately_and_small_or_unusable_faces_do_not_vote()
    {
        var identifier = new IndexIdentifier();
        var engine = new RecognitionEngine(Options(), identifier, time);
        var events = new RecognitionEvents();
        var candidates = new List<Core.Recognition.FaceCandidate>();
        for (var i = 0; i < 10; i++)
        {
            foreach (var camera in new[] { "north", "south" })
            {
                engine.Process(
                    new FrameContext(camera, "main", time.GetUtcNow()),
                    [Face(1), Face(2, x: 600, size: 40), Face(3, x: 900) with { QualityAccepted = false }],
                    events);
                candidates.AddRange(events.Candidates);
            }
            time.Advance(Frame);
        }
        Assert.Equal(["north", "south"], candidates.Select(c => c.CameraName).Order());
        Assert.All(candidates, c => Assert.Equal("person-1", c.PersonId));
        Assert.Equal(2, engine.TrackCount("north")); // the small face is not tracked
    }

    [Fact]
    public void A_face_that_never_looks_real_ends_in_one_failed_liveness_candidate()
    {
        var engine = new RecognitionEngine(Options(), new IndexIdentifier(), time);
        var events = new RecognitionEvents();
        var candidates = new List<Core.Recognition.FaceCandidate>();
        for (var i = 0; i < 30; i++)
        {
            engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(4, liveness: 0.1f)], events);
            candidates.AddRange(events.Candidates);
            time.Advance(Frame);
        }
        var candidate = Assert.Single(candidates);
        Assert.False(candidate.LivenessPassed);
        Assert.False(candidate.ToCredential().LivenessPassed);
    }

    [Fact]
    public void One_frame_decides_an_unambiguous_face_on_its_first_frame()
    {
        // The identifier's matches (similarity 0.6, margin 0.4) and a liveness of 0.9 meet the defaults.
        var engine = new RecognitionEngine(Options(oneFrame: true), new IndexIdentifier(), time);
        var events = new RecognitionEvents();

        engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(7)], events);

        var candidate = Assert.Single(events.Candidates);
        Assert.Equal(("person-7", 1, true), (candidate.PersonId, candidate.AgreeingFrames, candidate.LivenessPassed));
    }

    [Fact]
    public void A_face_without_a_liveness_verdict_never_decides_on_one_frame()
    {
        var engine = new RecognitionEngine(Options(oneFrame: true), new IndexIdentifier(), time);
        var events = new RecognitionEvents();
        var candidates = new List<Core.Recognition.FaceCandidate>();
        for (var i = 0; i < 30; i++)
        {
            engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(7) with { ProbabilityReal = null }], events);
            candidates.AddRange(events.Candidates);
            time.Advance(Frame);
        }
        // No verdict is not a pass: the track ends as a presentation-attack candidate, as with votes.
        var candidate = Assert.Single(candidates);
        Assert.False(candidate.LivenessPassed);
    }

    [Fact]
    public void A_face_that_fails_the_quality_gate_is_not_decided_on_that_frame()
    {
        var engine = new RecognitionEngine(Options(oneFrame: true), new IndexIdentifier(), time);
        var events = new RecognitionEvents();

        // Blurred or turned: tracked, but it neither votes nor decides, however good its match.
        engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(7) with { QualityAccepted = false }], events);
        Assert.Empty(events.Candidates);
        Assert.Equal((1, 0), (events.TrackedFaces, events.MatchedFaces));
        time.Advance(Frame);

        engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(7)], events);
        var candidate = Assert.Single(events.Candidates);
        Assert.Equal(("person-7", 1), (candidate.PersonId, candidate.AgreeingFrames));
    }

    [Fact]
    public void A_face_whose_infrared_evidence_is_not_in_yet_waits_for_it_before_one_frame_decides()
    {
        var engine = new RecognitionEngine(Options(oneFrame: true), new IndexIdentifier(), time);
        var events = new RecognitionEvents();

        // A paired infrared camera whose frame of this moment is missing: the presentation is undecided.
        engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(7) with { Infrared = InfraredEvidence.NoFrame }], events);
        Assert.Empty(events.Candidates);
        time.Advance(Frame);

        // The next frame's infrared counterpart shows the face: that frame decides alone.
        engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(7) with { Infrared = InfraredEvidence.Confirmed }], events);
        var candidate = Assert.Single(events.Candidates);
        Assert.Equal(("person-7", 1, true), (candidate.PersonId, candidate.AgreeingFrames, candidate.LivenessPassed));
    }

    [Fact]
    public void A_face_the_infrared_camera_does_not_see_never_decides_on_one_frame()
    {
        var engine = new RecognitionEngine(Options(oneFrame: true), new IndexIdentifier(), time);
        var events = new RecognitionEvents();
        var candidates = new List<Core.Recognition.FaceCandidate>();
        for (var i = 0; i < 5; i++)
        {
            engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [Face(7) with { Infrared = InfraredEvidence.NoFace }], events);
            candidates.AddRange(events.Candidates);
            time.Advance(Frame);
        }
        // A screen in front of the camera: denied as a spoof as soon as the evidence is strong, never granted.
        var candidate = Assert.Single(candidates);
        Assert.False(candidate.LivenessPassed);
    }

    [Fact]
    public void Only_faces_of_undecided_tracks_are_described()
    {
        var engine = new RecognitionEngine(Options(), new IndexIdentifier(), time);
        var events = new RecognitionEvents();
        var described = new List<int>();
        var candidates = 0;
        for (var i = 0; i < 10; i++)
        {
            FaceObservation[] detected = [Detection(Face(5)), Detection(Face(-1, x: 600))];
            engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), detected, events, face =>
            {
                described.Add(face);
                return face == 0 ? Face(5) : Face(-1, x: 600);
            });
            candidates += events.Candidates.Count;
            time.Advance(Frame);
        }

        Assert.Equal(1, candidates);
        // The resident's face is described until the third vote decides, the stranger's every frame.
        Assert.Equal(3, described.Count(face => face == 0));
        Assert.Equal(10, described.Count(face => face == 1));
    }

    /// <summary>What detection alone knows of a face: box and size.</summary>
    private static FaceObservation Detection(FaceObservation face) =>
        face with { QualityAccepted = false, Embedding = ReadOnlyMemory<float>.Empty, ProbabilityReal = null };
}
