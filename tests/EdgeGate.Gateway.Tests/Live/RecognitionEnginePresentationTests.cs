using System.Drawing;
using System.Numerics;
using EdgeGate.Core.Recognition;
using EdgeGate.Configuration;
using EdgeGate.Recognition;
using EdgeGate.TestSupport.Faces;
using EdgeGate.Vision.Presentation;
using EdgeGate.Vision.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>The engine consults the presentation check per face and the track's evidence, and candidates carry it.</summary>
public sealed class RecognitionEnginePresentationTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Everyone is person-1; an embedding of −1 is a stranger.</summary>
    private sealed class OnePersonIdentifier : IFaceIdentifier
    {
        public IdentityMatch Identify(ReadOnlySpan<float> embedding) => embedding[0] >= 0
            ? new IdentityMatch(FaceVoteKind.Match, "person-1", 0.6f, 0.4f)
            : new IdentityMatch(FaceVoteKind.NoMatch, null, 0.2f, 0f);
    }

    /// <summary>Votes only: the evidence accumulated over the frames of a vote (one-frame decisions: RecognitionEngineTests).</summary>
    private static RecognitionOptions Options() => new()
    {
        VotesRequired = 3,
        VoteWindow = 5,
        LivenessThreshold = 0.5,
        InfraredFramesToDeny = 3,
        OneFrameDecisions = false,
    };

    private static FaceObservation Face(
        float liveness = 0.9f,
        InfraredEvidence infrared = InfraredEvidence.NotPaired,
        Vector2[]? landmarks = null,
        PresentationCues? cues = null,
        int person = 1) =>
        new(new RectangleF(600, 300, 120, 120), 120, QualityAccepted: true, new float[] { person }, liveness, cues, landmarks ?? [], infrared);

    private (List<FaceCandidate> Candidates, List<StrangerSighting> Strangers) Run(RecognitionOptions options, IEnumerable<FaceObservation> frames)
    {
        var engine = new RecognitionEngine(options, new OnePersonIdentifier(), time);
        var events = new RecognitionEvents();
        var candidates = new List<FaceCandidate>();
        var strangers = new List<StrangerSighting>();
        foreach (var face in frames)
        {
            engine.Process(new FrameContext("gate", "main", time.GetUtcNow()), [face], events);
            candidates.AddRange(events.Candidates);
            strangers.AddRange(events.Strangers);
            time.Advance(Frame);
        }
        return (candidates, strangers);
    }

    [Fact]
    public void A_face_confirmed_by_the_paired_infrared_camera_is_a_live_candidate_carrying_the_evidence()
    {
        var (candidates, _) = Run(Options(), Enumerable.Repeat(Face(infrared: InfraredEvidence.Confirmed), 10));

        var candidate = Assert.Single(candidates);
        Assert.True(candidate.LivenessPassed);
        var evidence = Assert.IsType<PresentationEvidence>(candidate.Presentation);
        Assert.Equal(PresentationVerdict.BonaFide, evidence.Verdict);
        Assert.Null(evidence.AttackReason);
        Assert.Equal(InfraredEvidence.Confirmed, evidence.Infrared);
        Assert.Equal(3, evidence.InfraredConfirmedFrames);
        Assert.Equal(0.9, evidence.LivenessScore, 5);
        Assert.Equal(3, evidence.FramesPassed);
    }

    [Fact]
    public void A_face_missing_in_infrared_is_a_spoof_as_soon_as_the_frames_agree_not_after_the_spoof_wait()
    {
        // Each frame looks live to the colour camera: only the infrared camera tells.
        var (candidates, _) = Run(Options(), Enumerable.Repeat(Face(liveness: 0.95f, infrared: InfraredEvidence.NoFace), 20));

        var spoof = Assert.Single(candidates);
        Assert.False(spoof.LivenessPassed);
        Assert.Equal("person-1", spoof.PersonId);
        // Three frames of no face make the evidence strong; the default spoof wait is twice the window (10 frames).
        Assert.Equal(spoof.TrackStartedAt + (2 * Frame), spoof.FrameArrivedAt);
        var evidence = spoof.Presentation!;
        Assert.Equal(PresentationVerdict.Attack, evidence.Verdict);
        Assert.Equal(PresentationEvidence.InfraredNoFaceReason, evidence.AttackReason);
        Assert.Equal(InfraredEvidence.NoFace, evidence.Infrared);
        Assert.Equal(3, evidence.InfraredMissingFrames);
        Assert.Equal(0, evidence.FramesPassed);
    }

    [Fact]
    public void An_infrared_camera_that_is_down_decides_no_face_either_way()
    {
        var (candidates, _) = Run(Options(), Enumerable.Repeat(Face(infrared: InfraredEvidence.NoFrame), 9));
        Assert.Empty(candidates);
    }

    [Fact]
    public void A_photo_waved_in_front_of_the_camera_is_a_spoof_from_its_motion()
    {
        var random = new Random(7);
        var photo = SyntheticHead.Photo();
        var frames = new[] { 0f, 15f, 30f, 40f, 30f, 15f, 0f, -15f, -30f, -40f }
            .Select(yaw => Face(liveness: 0.2f, landmarks: photo.Project(yaw, 0, random, jitterPixels: 0.7f)));

        var (candidates, _) = Run(Options(), frames);

        var spoof = Assert.Single(candidates);
        Assert.False(spoof.LivenessPassed);
        Assert.Equal(PresentationEvidence.PlanarMotionReason, spoof.Presentation!.AttackReason);
        Assert.Equal(MotionEvidence.Planar, spoof.Presentation.Motion);
        Assert.True(spoof.FrameArrivedAt - spoof.TrackStartedAt < 9 * Frame, "reported before the spoof wait of ten frames");
    }

    [Fact]
    public void With_cues_measured_the_combined_check_decides_and_its_score_is_journaled()
    {
        var cues = new PresentationCues(Saturation: 0.35f, Range: 170, ChromaRipple: 0.2f, Warmth: 0.12f, EdgeStrongest: 20, EdgeSecond: 12);
        var check = RecognitionEngine.PresentationCheckFor(Options());
        var score = check.Evaluate(0.9f, cues).CheckScore;

        var lenient = Options();
        lenient.PresentationThreshold = 0;
        var (passing, _) = Run(lenient, Enumerable.Repeat(Face(cues: cues), 10));
        var candidate = Assert.Single(passing);
        Assert.True(candidate.LivenessPassed);
        Assert.Equal(score, candidate.Presentation!.CheckScore, 5);

        var strict = Options();
        strict.PresentationThreshold = 1;
        var (failing, _) = Run(strict, Enumerable.Repeat(Face(cues: cues), 12));
        var spoof = Assert.Single(failing);
        Assert.False(spoof.LivenessPassed);
        Assert.Equal(PresentationEvidence.FramesFailedReason, spoof.Presentation!.AttackReason);
    }

    [Fact]
    public void A_stranger_carries_the_evidence_gathered_on_its_track()
    {
        var (_, strangers) = Run(Options(), Enumerable.Repeat(Face(person: -1, infrared: InfraredEvidence.Confirmed), 6));

        var stranger = Assert.Single(strangers);
        Assert.Equal(PresentationVerdict.BonaFide, stranger.Presentation!.Verdict);
        Assert.Equal(InfraredEvidence.Confirmed, stranger.Presentation.Infrared);
        // An unknown face is a stranger whatever its liveness: its credential never says spoof.
        Assert.True(stranger.ToCredential().LivenessPassed);
        Assert.Same(stranger.Presentation, stranger.ToCredential().Presentation);
    }
}
