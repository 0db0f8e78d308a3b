using System.Numerics;
using EdgeGate.Core.Recognition;
using EdgeGate.TestSupport.Faces;
using EdgeGate.Vision.Presentation;

namespace EdgeGate.Vision.Tests.Presentation;

public sealed class BlinkTests
{
    [Fact]
    public void The_eye_aspect_ratio_drops_when_the_eyes_close()
    {
        var random = new Random(1);
        var open = SyntheticHead.Real().Project(0, 0, random, jitterPixels: 0);
        var closed = (Vector2[])open.Clone();
        SyntheticHead.CloseEyes(closed, 0.15f);
        var openRatio = EyeAspectRatio.OfFace(open);
        Assert.InRange(openRatio, 0.3f, 0.6f);
        Assert.InRange(EyeAspectRatio.OfFace(closed), 0f, openRatio * 0.2f);
    }

    [Fact]
    public void Open_closed_open_is_one_blink()
    {
        var detector = new BlinkDetector(new BlinkRules());
        foreach (var ratio in new[] { 0.30f, 0.31f, 0.29f, 0.30f, 0.08f, 0.06f, 0.28f, 0.30f, 0.31f })
        {
            detector.Add(ratio);
        }
        Assert.Equal(1, detector.Blinks);
    }

    [Fact]
    public void Jitter_around_the_open_level_is_no_blink()
    {
        var random = new Random(2);
        var detector = new BlinkDetector(new BlinkRules());
        for (var i = 0; i < 200; i++)
        {
            detector.Add(0.3f + (0.03f * (float)(random.NextDouble() - 0.5)));
        }
        Assert.Equal(0, detector.Blinks);
    }

    [Fact]
    public void Eyes_that_stay_closed_or_never_open_are_no_blink()
    {
        var shut = new BlinkDetector(new BlinkRules(MaximumClosedFrames: 4));
        foreach (var ratio in new[] { 0.3f, 0.3f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.3f })
        {
            shut.Add(ratio);
        }
        Assert.Equal(0, shut.Blinks);

        // Too small to measure (a far or turned face): no open level, so no blink.
        var tiny = new BlinkDetector(new BlinkRules());
        foreach (var ratio in new[] { 0.12f, 0.12f, 0.02f, 0.12f })
        {
            tiny.Add(ratio);
        }
        Assert.Equal(0, tiny.Blinks);
    }
}

public sealed class TrackPresentationTests
{
    private static readonly FramePresentation Passing = new(0.9f, 0.9f, Passed: true, CuesUsed: true);
    private static readonly FramePresentation Failing = new(0.1f, 0.1f, Passed: false, CuesUsed: true);

    [Fact]
    public void Frames_passing_the_single_frame_check_pass_without_pairing_or_motion()
    {
        var track = new TrackPresentation(PresentationRules.Default);
        var landmarks = SyntheticHead.Real().Project(0, 0, new Random(1));
        Assert.True(track.Add(Passing, landmarks, InfraredEvidence.NotPaired));
        Assert.False(track.Add(Failing, landmarks, InfraredEvidence.NotPaired));
        Assert.Null(track.AttackReason);
        var evidence = track.Evidence(PresentationVerdict.BonaFide);
        Assert.Equal(1, evidence.FramesPassed);
        Assert.Equal(2, evidence.Frames);
        Assert.Equal(0.5, evidence.LivenessScore, 5);
        Assert.Equal(InfraredEvidence.NotPaired, evidence.Infrared);
        Assert.Equal(MotionEvidence.NotEnoughMotion, evidence.Motion);
    }

    [Fact]
    public void A_paired_camera_must_confirm_each_frame_and_missing_faces_make_an_attack()
    {
        var track = new TrackPresentation(PresentationRules.Default with { InfraredFramesToDeny = 3 });
        var landmarks = SyntheticHead.Real().Project(0, 0, new Random(1));
        Assert.True(track.Add(Passing, landmarks, InfraredEvidence.Confirmed));
        Assert.False(track.Add(Passing, landmarks, InfraredEvidence.NoFrame));
        Assert.False(track.Add(Passing, landmarks, InfraredEvidence.NoFace));
        Assert.False(track.Add(Passing, landmarks, InfraredEvidence.NoFace));
        Assert.Null(track.AttackReason);
        Assert.False(track.Add(Passing, landmarks, InfraredEvidence.NoFace));
        Assert.Equal(PresentationEvidence.InfraredNoFaceReason, track.AttackReason);

        var evidence = track.Evidence(PresentationVerdict.Attack);
        Assert.Equal(PresentationEvidence.InfraredNoFaceReason, evidence.AttackReason);
        Assert.Equal(InfraredEvidence.NoFace, evidence.Infrared);
        Assert.Equal(1, evidence.InfraredConfirmedFrames);
        Assert.Equal(3, evidence.InfraredMissingFrames);
    }

    [Fact]
    public void An_infrared_camera_that_is_down_fails_the_frames_but_is_no_attack()
    {
        var track = new TrackPresentation(PresentationRules.Default);
        var landmarks = SyntheticHead.Real().Project(0, 0, new Random(1));
        for (var i = 0; i < 10; i++)
        {
            Assert.False(track.Add(Passing, landmarks, InfraredEvidence.NoFrame));
        }
        Assert.Null(track.AttackReason);
        Assert.Equal(InfraredEvidence.NoFrame, track.Evidence(PresentationVerdict.Undecided).Infrared);
        Assert.Equal(PresentationVerdict.Undecided, track.VerdictSoFar);
    }

    [Fact]
    public void A_moving_photo_is_an_attack_even_when_each_frame_looks_live()
    {
        var random = new Random(4);
        var photo = SyntheticHead.Photo();
        var track = new TrackPresentation(PresentationRules.Default);
        var passed = new List<bool>();
        foreach (var yaw in new[] { 0f, 10f, 20f, 30f, 38f, 30f })
        {
            passed.Add(track.Add(Passing, photo.Project(yaw, 0, random, jitterPixels: 0.7f), InfraredEvidence.NotPaired));
        }
        Assert.Equal(PresentationEvidence.PlanarMotionReason, track.AttackReason);
        Assert.Equal(MotionEvidence.Planar, track.Motion);
        Assert.False(passed[^1]);
        Assert.True(track.Evidence(PresentationVerdict.Attack).MotionParallaxShare < 0.5);

        // With the motion check off the motion is still measured and reported, but decides nothing.
        var reported = new TrackPresentation(PresentationRules.Default with { MotionCheck = false });
        foreach (var yaw in new[] { 0f, 10f, 20f, 30f, 38f, 30f })
        {
            Assert.True(reported.Add(Passing, photo.Project(yaw, 0, random, jitterPixels: 0.7f), InfraredEvidence.NotPaired));
        }
        Assert.Null(reported.AttackReason);
        Assert.Equal(MotionEvidence.Planar, reported.Motion);
    }

    [Fact]
    public void A_turning_head_passes_and_is_reported_as_parallax()
    {
        var random = new Random(5);
        var head = SyntheticHead.Real();
        var track = new TrackPresentation(PresentationRules.Default);
        foreach (var yaw in new[] { 0f, 6f, 12f, 18f, 22f, 15f })
        {
            Assert.True(track.Add(Passing, head.Project(yaw, 0, random, jitterPixels: 0.7f), InfraredEvidence.NotPaired));
        }
        Assert.Null(track.AttackReason);
        Assert.Equal(MotionEvidence.Parallax, track.Evidence(PresentationVerdict.BonaFide).Motion);
    }

    [Fact]
    public void When_a_blink_is_required_frames_pass_only_after_one()
    {
        var random = new Random(6);
        var head = SyntheticHead.Real();
        var track = new TrackPresentation(PresentationRules.Default with { RequireBlink = true });
        var open = head.Project(0, 0, random, jitterPixels: 0.2f);
        Assert.False(track.Add(Passing, open, InfraredEvidence.NotPaired));
        Assert.False(track.Add(Passing, head.Project(0, 0, random, jitterPixels: 0.2f), InfraredEvidence.NotPaired));
        var closed = head.Project(0, 0, random, jitterPixels: 0.2f);
        SyntheticHead.CloseEyes(closed, 0.1f);
        Assert.False(track.Add(Passing, closed, InfraredEvidence.NotPaired));
        Assert.True(track.Add(Passing, head.Project(0, 0, random, jitterPixels: 0.2f), InfraredEvidence.NotPaired));
        var evidence = track.Evidence(PresentationVerdict.BonaFide);
        Assert.True(evidence.BlinkSeen);
        Assert.True(evidence.BlinkRequired);
    }

    [Fact]
    public void An_attack_verdict_without_strong_evidence_says_the_frames_failed()
    {
        var track = new TrackPresentation(PresentationRules.Default);
        for (var i = 0; i < 4; i++)
        {
            track.Add(Failing, ReadOnlySpan<Vector2>.Empty, InfraredEvidence.NotPaired);
        }
        var evidence = track.Evidence(PresentationVerdict.Attack);
        Assert.Equal(PresentationEvidence.FramesFailedReason, evidence.AttackReason);
        Assert.Equal(0, evidence.FramesPassed);
        Assert.Equal(PresentationVerdict.Undecided, track.VerdictSoFar);
    }
}
