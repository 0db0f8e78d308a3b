namespace EdgeGate.Core.Access;

public enum AccessOutcome
{
    /// <summary>Unlock, and journal the passage.</summary>
    Granted,
    /// <summary>Keep locked, and journal the attempt.</summary>
    Denied,
    /// <summary>
    /// A repeat within the cooldown of a decision already journaled for this person at this door:
    /// keep the door as it is (no second unlock), do not record it in the history (the cooldown runs
    /// from the decision it repeats), journal it as a repeat rather than a decision. The console may
    /// still show <see cref="AccessDecision.Message"/>.
    /// </summary>
    Suppressed,
}

/// <summary>Alerts a decision carries, independent of whether it grants. They go first in the upload order.</summary>
[Flags]
public enum AccessAlerts
{
    None = 0,
    /// <summary>The identified person is on the watch list (set whatever the reason, once identity is trusted).</summary>
    WatchList = 1,
    /// <summary>A presentation attack: the face failed liveness.</summary>
    SpoofAttempt = 2,
    /// <summary>An anti-passback violation let through in soft mode.</summary>
    PassbackViolation = 4,
}

/// <summary>The policy's answer for one presentation.</summary>
public sealed record AccessDecision
{
    public required AccessOutcome Outcome { get; init; }
    public required AccessReason Reason { get; init; }
    public AccessAlerts Alerts { get; init; }

    /// <summary>Plain words for the console and the person at the door.</summary>
    public required string Message { get; init; }

    public required AccessCredential Credential { get; init; }
    public string? PersonId { get; init; }

    /// <summary>The card presented (normalised number), when the credential was a card.</summary>
    public string? CardUid { get; init; }

    public required string DoorId { get; init; }
    public required DateTimeOffset At { get; init; }

    /// <summary>The direction of the passage when known (anti-passback bookkeeping).</summary>
    public PassageDirection? Direction { get; init; }

    /// <summary>The door's anti-passback group, copied so the history can record the passage.</summary>
    public string? AntiPassbackGroup { get; init; }

    /// <summary>For <see cref="AccessOutcome.Suppressed"/>: the reason of the earlier decision it repeats.</summary>
    public AccessReason? RepeatOf { get; init; }

    public bool Granted => Outcome == AccessOutcome.Granted;

    /// <summary>The journal and uplink code of <see cref="Reason"/>, e.g. <c>GRANTED_FACE</c>.</summary>
    public string ReasonCode => Reason.ToCode();

    /// <summary>A suppressed repeat (see <see cref="AccessOutcome.Suppressed"/>): no door, no history, journaled as a repeat.</summary>
    public bool IsRepeat => Outcome == AccessOutcome.Suppressed;
}
