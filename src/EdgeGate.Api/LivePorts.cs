using EdgeGate.Core.Access;

namespace EdgeGate.Api;

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
