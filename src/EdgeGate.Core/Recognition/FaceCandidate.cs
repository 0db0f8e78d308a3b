using EdgeGate.Core.Access;

namespace EdgeGate.Core.Recognition;

/// <summary>
/// A tracked face that recognition attributed to one enrolled person after enough frames agreed.
/// One person standing in view yields one candidate per track, not one per frame. The decision
/// stage turns it into an access request (<see cref="ToCredential"/>).
/// </summary>
/// <param name="CameraName">The camera that saw the face.</param>
/// <param name="DoorName">The door that camera watches.</param>
/// <param name="PersonId">The person the votes agreed on.</param>
/// <param name="Similarity">Mean cosine similarity of the agreeing frames.</param>
/// <param name="LivenessScore">Mean P(real) of the agreeing frames.</param>
/// <param name="LivenessPassed">True when enough agreeing frames also passed liveness; false marks a
/// presentation attack (the same person matched again and again but never looked real).</param>
/// <param name="TrackId">The track (per camera) the face belongs to.</param>
/// <param name="AgreeingFrames">Frames of the vote window that agreed on the person.</param>
/// <param name="TrackStartedAt">When the first frame of the track arrived.</param>
/// <param name="FrameArrivedAt">When the frame that completed the vote arrived in the process.</param>
/// <param name="EmittedAt">When the candidate was emitted.</param>
/// <param name="Presentation">The liveness evidence behind <paramref name="LivenessPassed"/>.</param>
public sealed record FaceCandidate(
    string CameraName,
    string DoorName,
    string PersonId,
    double Similarity,
    double LivenessScore,
    bool LivenessPassed,
    long TrackId,
    int AgreeingFrames,
    DateTimeOffset TrackStartedAt,
    DateTimeOffset FrameArrivedAt,
    DateTimeOffset EmittedAt,
    PresentationEvidence? Presentation = null)
{
    /// <summary>Time from the deciding frame's arrival to the emission.</summary>
    public TimeSpan FrameToCandidate => EmittedAt - FrameArrivedAt;

    public FaceCredential ToCredential() =>
        new(PersonId, Similarity, LivenessScore, LivenessPassed, CameraName, Presentation);
}

/// <summary>
/// A tracked face that stayed unknown for a whole vote window: reported once per track. The
/// optional snapshot is a size-limited JPEG of the face's surroundings; the store that keeps it
/// enforces the retention.
/// </summary>
/// <param name="BestSimilarity">Highest similarity to any enrolled person seen on the track (−1 with an empty gallery).</param>
/// <param name="LivenessScore">Mean P(real) over the window.</param>
/// <param name="JpegSnapshot">The snapshot, or null when snapshots are off or it could not be made.</param>
/// <param name="Presentation">The liveness evidence gathered on the track.</param>
public sealed record StrangerSighting(
    string CameraName,
    string DoorName,
    long TrackId,
    double BestSimilarity,
    double LivenessScore,
    DateTimeOffset TrackStartedAt,
    DateTimeOffset FrameArrivedAt,
    DateTimeOffset EmittedAt,
    byte[]? JpegSnapshot,
    PresentationEvidence? Presentation = null)
{
    /// <summary>
    /// The access request for an unknown face (denied by the policy, journaled as a stranger). An
    /// unknown face is a stranger whatever its liveness (a poster in view is not an attack on
    /// anyone); the evidence is journaled with it.
    /// </summary>
    public FaceCredential ToCredential() =>
        new(null, BestSimilarity, LivenessScore, LivenessPassed: true, CameraName, Presentation);
}
