using System.Numerics;
using EdgeGate.Core.Recognition;

namespace EdgeGate.Vision.Presentation;

/// <summary>The presentation rules of a track (from the Recognition configuration section).</summary>
/// <param name="Motion">The planar-motion test.</param>
/// <param name="Blink">What counts as a blink.</param>
/// <param name="RequireBlink">A face counts as live only after a blink was seen on its track (slower, stricter doors).</param>
/// <param name="InfraredFramesToDeny">Frames whose infrared counterpart shows no face (and outnumber the confirmed ones) that make the track an attack.</param>
/// <param name="MotionCheck">Planar motion fails frames and makes the track an attack (off: it is measured and reported only).</param>
public sealed record PresentationRules(
    PlanarMotionRules Motion,
    BlinkRules Blink,
    bool RequireBlink = false,
    int InfraredFramesToDeny = 3,
    bool MotionCheck = true)
{
    public static PresentationRules Default { get; } = new(new PlanarMotionRules(), new BlinkRules());

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Motion);
        ArgumentNullException.ThrowIfNull(Blink);
        Motion.Validate();
        Blink.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(InfraredFramesToDeny, 1);
    }
}

/// <summary>
/// The presentation evidence of one tracked face, accumulated frame by frame: the single-frame
/// check, landmark motion (planar or parallax), blinks and the paired infrared camera. A frame
/// passes when its single-frame check passed, the track has not moved as a plane, its infrared
/// counterpart (when paired) showed the face, and (when required) a blink has been seen. Strong
/// evidence makes the track an attack: planar motion, or infrared frames without the face.
/// Pure and single-threaded; reuses the landmarks the pipeline computed.
/// </summary>
public sealed class TrackPresentation
{
    private readonly PresentationRules rules;
    private readonly PlanarMotionTracker motion;
    private readonly BlinkDetector blinks;
    private double livenessSum;
    private double checkSum;
    private int infraredUnavailable;

    public TrackPresentation(PresentationRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        rules.Validate();
        this.rules = rules;
        motion = new PlanarMotionTracker(rules.Motion);
        blinks = new BlinkDetector(rules.Blink);
    }

    public int Frames { get; private set; }

    public int FramesPassed { get; private set; }

    public int InfraredConfirmed { get; private set; }

    public int InfraredMissing { get; private set; }

    public bool BlinkSeen => blinks.Blinks > 0;

    public MotionEvidence Motion => motion.Evidence;

    /// <summary>Strong evidence of an attack so far (null: none): <see cref="PresentationEvidence.InfraredNoFaceReason"/> or <see cref="PresentationEvidence.PlanarMotionReason"/>.</summary>
    public string? AttackReason =>
        InfraredMissing >= rules.InfraredFramesToDeny && InfraredMissing > InfraredConfirmed ? PresentationEvidence.InfraredNoFaceReason
        : rules.MotionCheck && motion.Evidence == MotionEvidence.Planar ? PresentationEvidence.PlanarMotionReason
        : null;

    /// <summary>
    /// Adds one frame of the face: its single-frame check, its landmarks (68, frame pixels; empty
    /// when not available) and what the infrared camera showed. Returns whether the frame passed.
    /// </summary>
    public bool Add(FramePresentation frame, ReadOnlySpan<Vector2> landmarks, InfraredEvidence infrared)
    {
        Frames++;
        livenessSum += frame.LivenessScore;
        checkSum += frame.CheckScore;
        if (landmarks.Length >= PlanarMotion.LandmarkCount)
        {
            motion.Add(landmarks);
            blinks.Add(EyeAspectRatio.OfFace(landmarks));
        }
        switch (infrared)
        {
            case InfraredEvidence.Confirmed:
                InfraredConfirmed++;
                break;
            case InfraredEvidence.NoFace:
                InfraredMissing++;
                break;
            case InfraredEvidence.NoFrame:
                infraredUnavailable++;
                break;
        }
        var passed = frame.Passed
            && (infrared is InfraredEvidence.NotPaired or InfraredEvidence.Confirmed)
            && !(rules.MotionCheck && motion.Evidence == MotionEvidence.Planar)
            && (!rules.RequireBlink || BlinkSeen);
        if (passed)
        {
            FramesPassed++;
        }
        return passed;
    }

    /// <summary>
    /// The evidence for a decision: <paramref name="verdict"/> as the recognition stage concluded
    /// (a live candidate, a spoof, a stranger); for an attack without strong evidence of its own
    /// the reason is that the frames kept failing.
    /// </summary>
    public PresentationEvidence Evidence(PresentationVerdict verdict) => new(
        verdict,
        verdict == PresentationVerdict.Attack ? AttackReason ?? PresentationEvidence.FramesFailedReason : null,
        Frames == 0 ? 0 : livenessSum / Frames,
        Frames == 0 ? 0 : checkSum / Frames,
        FramesPassed,
        Frames,
        motion.Evidence,
        motion.Evidence == MotionEvidence.NotEnoughMotion ? null : motion.LastParallaxShare,
        BlinkSeen,
        rules.RequireBlink,
        InfraredSummary(),
        InfraredConfirmed,
        InfraredMissing);

    /// <summary>The verdict of a track that ended without a candidate (a stranger): strong evidence, else whether most frames passed.</summary>
    public PresentationVerdict VerdictSoFar =>
        AttackReason is not null ? PresentationVerdict.Attack
        : Frames > 0 && FramesPassed * 2 >= Frames ? PresentationVerdict.BonaFide
        : PresentationVerdict.Undecided;

    private InfraredEvidence InfraredSummary() =>
        InfraredConfirmed + InfraredMissing == 0
            ? infraredUnavailable > 0 ? InfraredEvidence.NoFrame : InfraredEvidence.NotPaired
            : InfraredMissing > InfraredConfirmed ? InfraredEvidence.NoFace : InfraredEvidence.Confirmed;
}
