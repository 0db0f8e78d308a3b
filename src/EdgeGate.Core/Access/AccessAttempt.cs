namespace EdgeGate.Core.Access;

/// <summary>Where an access attempt came from (journal and console).</summary>
public enum AccessAttemptSource
{
    /// <summary>A face candidate or stranger sighting from recognition.</summary>
    Camera,
    /// <summary>A card reader.</summary>
    CardReader,
    /// <summary>Remote unlock by the property office or the platform.</summary>
    Remote,
    /// <summary>The request-to-exit button.</summary>
    ExitButton,
}

/// <summary>
/// One presentation at a door as it enters the decision stage: the credential, the door (by its
/// configured name) and when it happened. The decision stage resolves the person and card records
/// and asks the policy. Attempts travel through a channel that never drops them.
/// </summary>
/// <param name="Credential">What was presented.</param>
/// <param name="DoorName">The configured name of the door.</param>
/// <param name="At">When the presentation happened.</param>
/// <param name="Source">Which input produced it.</param>
/// <param name="Side">Which side of a two-way door it came from, when known.</param>
public sealed record AccessAttempt(
    AccessCredential Credential,
    string DoorName,
    DateTimeOffset At,
    AccessAttemptSource Source,
    PassageDirection? Side = null)
{
    /// <summary>Identifies the attempt in the decision feed (e.g. to answer a remote unlock command).</summary>
    public Guid Id { get; init; } = Guid.NewGuid();

    /// <summary>Recognition's track id for a face, when the attempt came from a camera.</summary>
    public long? TrackId { get; init; }

    /// <summary>A face from recognition: a candidate (person id) or a stranger (null person id).</summary>
    /// <param name="at">When the frame that completed the vote arrived.</param>
    public static AccessAttempt ForFace(FaceCredential credential, string doorName, DateTimeOffset at, long? trackId = null) =>
        new(credential, doorName, at, AccessAttemptSource.Camera) { TrackId = trackId };

    public static AccessAttempt ForCard(string uid, string readerName, string doorName, DateTimeOffset at) =>
        new(new CardCredential(uid, readerName), doorName, at, AccessAttemptSource.CardReader);

    public static AccessAttempt ForRemote(string operatorId, string reason, string doorName, DateTimeOffset at) =>
        new(new RemoteCredential(operatorId, reason), doorName, at, AccessAttemptSource.Remote);

    /// <summary>The request-to-exit button of a door was pressed.</summary>
    /// <param name="inputId">Which input it was read from (for the journal).</param>
    public static AccessAttempt ForExitButton(string inputId, string doorName, DateTimeOffset at) =>
        new(new ExitButtonCredential(inputId), doorName, at, AccessAttemptSource.ExitButton);
}
