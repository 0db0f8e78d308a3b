using EdgeGate.Core.Access;

namespace EdgeGate.Access;

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
