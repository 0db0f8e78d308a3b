namespace EdgeGate.Core.Recognition;

/// <summary>What the presentation checks concluded about a tracked face (ISO/IEC 30107-3: bona fide or attack).</summary>
public enum PresentationVerdict
{
    /// <summary>The checks that ran passed: treated as a live person.</summary>
    BonaFide,

    /// <summary>Strong evidence of a photo, screen or cut-out (see <see cref="PresentationEvidence.AttackReason"/>): denied as a spoof with an alert.</summary>
    Attack,

    /// <summary>Not enough frames passed, but no strong evidence either: no decision on this face yet.</summary>
    Undecided,
}

/// <summary>How the face moved over its track.</summary>
public enum MotionEvidence
{
    /// <summary>The face did not turn enough for motion to tell (a person standing still, or a photo held still).</summary>
    NotEnoughMotion,

    /// <summary>The landmarks moved as one plane (a homography explains their motion): a photo or a screen.</summary>
    Planar,

    /// <summary>The landmarks moved with parallax (nose against cheeks): a three-dimensional head.</summary>
    Parallax,
}

/// <summary>What the paired near-infrared camera showed.</summary>
public enum InfraredEvidence
{
    /// <summary>The camera has no infrared camera paired with it.</summary>
    NotPaired,

    /// <summary>A face was found at the matching place in an infrared frame of about the same time.</summary>
    Confirmed,

    /// <summary>Infrared frames of about the same time showed no face there (a phone or tablet screen emits no near infrared).</summary>
    NoFace,

    /// <summary>No infrared frame of about the same time (the infrared camera is down): the face cannot be confirmed.</summary>
    NoFrame,
}

/// <summary>
/// The liveness evidence a face decision was based on, carried into the journal: the liveness
/// model's score, the combined single-frame check, landmark motion, blinks and the infrared camera.
/// </summary>
/// <param name="Verdict">The conclusion.</param>
/// <param name="AttackReason">For an attack: which evidence was strong (<c>infrared_no_face</c>, <c>planar_motion</c>, <c>frames_failed</c>).</param>
/// <param name="LivenessScore">Mean P(real) of the liveness model over the track's analysed frames.</param>
/// <param name="CheckScore">Mean score of the combined single-frame check (liveness model and image cues).</param>
/// <param name="FramesPassed">Frames whose single-frame check passed.</param>
/// <param name="Frames">Frames analysed on the track.</param>
/// <param name="Motion">What the landmark motion showed.</param>
/// <param name="MotionParallaxShare">For a decided motion: the share of the landmark motion no plane explains (small = planar).</param>
/// <param name="BlinkSeen">A blink was seen in the eye landmarks.</param>
/// <param name="BlinkRequired">The site requires a blink before a face counts as live.</param>
/// <param name="Infrared">What the paired infrared camera showed.</param>
/// <param name="InfraredConfirmedFrames">Frames confirmed by the infrared camera.</param>
/// <param name="InfraredMissingFrames">Frames whose infrared counterpart showed no face.</param>
public sealed record PresentationEvidence(
    PresentationVerdict Verdict,
    string? AttackReason,
    double LivenessScore,
    double CheckScore,
    int FramesPassed,
    int Frames,
    MotionEvidence Motion,
    double? MotionParallaxShare,
    bool BlinkSeen,
    bool BlinkRequired,
    InfraredEvidence Infrared,
    int InfraredConfirmedFrames,
    int InfraredMissingFrames)
{
    public const string InfraredNoFaceReason = "infrared_no_face";
    public const string PlanarMotionReason = "planar_motion";
    public const string FramesFailedReason = "frames_failed";
}
