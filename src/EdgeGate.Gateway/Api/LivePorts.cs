using EdgeGate.Core.Access;

namespace EdgeGate.Gateway.Api;

/// <summary>
/// The live decisions as the API and console see them: the recent ones and a subscription to new ones.
/// The decision stage's in-memory broadcast implements it.
/// </summary>
public interface IDecisionFeed
{
    /// <summary>The most recent decisions, oldest first (a bounded window kept in memory).</summary>
    IReadOnlyList<AccessDecision> Recent { get; }

    /// <summary>
    /// Every decision made after the call, in order, until <paramref name="cancellationToken"/> fires.
    /// A subscriber that falls far behind may miss decisions; it never slows the decision stage.
    /// </summary>
    IAsyncEnumerable<AccessDecision> SubscribeAsync(CancellationToken cancellationToken);
}

public enum RemoteUnlockStatus
{
    /// <summary>The policy granted it and the door was released.</summary>
    Unlocked,
    /// <summary>The policy refused it (for example a door taken out of service); see the decision.</summary>
    Denied,
    /// <summary>No door of that name on this gateway.</summary>
    UnknownDoor,
    /// <summary>Granted, but the door's driver did not confirm the release in time.</summary>
    DoorNotResponding,
}

/// <summary>The outcome of a remote unlock request, in plain words for the operator.</summary>
public sealed record RemoteUnlockResult(RemoteUnlockStatus Status, string Message, AccessDecision? Decision = null);

/// <summary>
/// Remote unlock by an operator (property office at the console, or the platform). It goes through the
/// access policy like any other credential and is journaled as <c>GRANTED_REMOTE</c> when it opens.
/// </summary>
public interface IRemoteUnlock
{
    ValueTask<RemoteUnlockResult> RequestAsync(string doorName, string operatorId, string reason, CancellationToken cancellationToken);
}

/// <summary>One camera's capture health as the console shows it (the URL never holds a password).</summary>
public sealed record CameraHealthView(
    string Name,
    string Door,
    string State,
    double FramesPerSecondIn,
    double FramesPerSecondAnalysed,
    long FramesDropped,
    int Reconnects,
    DateTimeOffset? LastFrameAt,
    string? LastError,
    DateTimeOffset? LastErrorAt);

/// <summary>Camera health and the latest frame of each camera, for the console's camera tiles.</summary>
public interface ICameraStatus
{
    /// <summary>Every configured camera, by name.</summary>
    IReadOnlyList<CameraHealthView> Snapshot();

    /// <summary>
    /// A recent frame of <paramref name="cameraName"/> as JPEG; null for an unknown camera or one that
    /// delivers no frames. May wait briefly for a frame (frames are kept only while someone asks).
    /// </summary>
    Task<byte[]?> GetLatestJpegAsync(string cameraName, CancellationToken cancellationToken);
}

/// <summary>
/// A face crop taken from a camera's recent frames for enrolment at the gate camera (JPEG), with what the
/// recognition loop knew of it: the face's side in the crop, how many faces of tracked size were in view,
/// and whether the loop's quality gate accepted it (sharp and frontal enough).
/// </summary>
public sealed record FaceCapture(string CameraName, DateTimeOffset TakenAt, int FaceSizePixels, int FacesInView, bool QualityAccepted, byte[] Jpeg);

/// <summary>The recent faces of each camera, as the recognition loop keeps them (see <c>Live/FaceCaptures</c>).</summary>
public interface IFaceCaptures
{
    bool HasCamera(string cameraName);

    /// <summary>The best recent crop of the face in view of <paramref name="cameraName"/>; null when no face is in view.</summary>
    FaceCapture? TakeBest(string cameraName);
}
