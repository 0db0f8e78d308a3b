using EdgeGate.Core.Doors;
using EdgeGate.Core.Persons;

namespace EdgeGate.Gateway.Uplink.Commands;

/// <summary>
/// Computes face templates on the box from enrolment photos (implemented by the enrolment service
/// over the face pipeline). Without one registered, photo enrolment is answered <c>unavailable</c>.
/// </summary>
public interface IFaceTemplateExtractor
{
    /// <summary>The model id of the templates produced.</summary>
    string ModelId { get; }

    /// <summary>One template per usable photo; a photo without exactly one good face is refused with a reason.</summary>
    Task<FaceExtractionResult> ExtractAsync(string personId, IReadOnlyList<EnrolmentPhoto> photos, CancellationToken cancellationToken);
}

public sealed record EnrolmentPhoto(string ContentType, byte[] Content);

/// <summary>The templates found, and for each refused photo (by index) why.</summary>
public sealed record FaceExtractionResult(IReadOnlyList<FaceTemplate> Templates, IReadOnlyDictionary<int, string> RefusedPhotos);

/// <summary>
/// Remote unlock through the decision stage (implemented by the door service: journals a
/// GRANTED_REMOTE event and pulses the door). Without one registered, unlock is answered <c>unavailable</c>.
/// </summary>
public interface IRemoteDoorOpener
{
    /// <summary>Null when no door has that name; otherwise the door driver's outcome.</summary>
    Task<DoorCommandOutcome?> UnlockAsync(RemoteUnlockRequest request, CancellationToken cancellationToken);
}

public sealed record RemoteUnlockRequest(string Door, TimeSpan? Duration, string CommandId, string? RequestedBy);

/// <summary>Reloads the configuration file; returns the problems found (none = applied).</summary>
public interface IConfigurationReloader
{
    Task<IReadOnlyList<string>> ReloadAsync(CancellationToken cancellationToken);
}
