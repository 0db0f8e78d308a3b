using System.Collections.Frozen;

namespace EdgeGate.Core.Access;

/// <summary>
/// Why an access decision came out the way it did. The journal and the uplink use the string form
/// from <see cref="AccessReasonCodes.ToCode"/> (for example <c>GRANTED_FACE</c>), never the enum name.
/// </summary>
public enum AccessReason
{
    /// <summary><c>GRANTED_FACE</c>: a live, recognised, valid person was let in by face.</summary>
    GrantedFace,
    /// <summary><c>GRANTED_CARD</c>: a valid person was let in by a valid card.</summary>
    GrantedCard,
    /// <summary><c>GRANTED_REMOTE</c>: the property office or the platform unlocked the door.</summary>
    GrantedRemote,
    /// <summary><c>GRANTED_EXIT</c>: the exit button was pressed (egress is always allowed).</summary>
    GrantedExit,
    /// <summary><c>DENIED_UNKNOWN</c>: the face matched no one, or the card is not known here.</summary>
    DeniedUnknown,
    /// <summary><c>DENIED_SPOOF</c>: the face failed the liveness check (photo, screen, mask).</summary>
    DeniedSpoof,
    /// <summary><c>DENIED_EXPIRED</c>: the resident's validity ended, or the card expired.</summary>
    DeniedExpired,
    /// <summary><c>DENIED_NOT_YET_VALID</c>: the resident's validity has not started yet.</summary>
    DeniedNotYetValid,
    /// <summary><c>DENIED_REVOKED</c>: the person was deregistered (moved out) or the card revoked.</summary>
    DeniedRevoked,
    /// <summary><c>DENIED_SUSPENDED</c>: the person is suspended by the property office.</summary>
    DeniedSuspended,
    /// <summary><c>DENIED_SCHEDULE</c>: outside the door's hours for the person's category.</summary>
    DeniedSchedule,
    /// <summary><c>DENIED_PASSBACK</c>: entering twice without exiting (or the reverse), hard mode.</summary>
    DeniedPassback,
    /// <summary><c>DENIED_DOOR_DISABLED</c>: the door is taken out of service in the configuration.</summary>
    DeniedDoorDisabled,
    /// <summary><c>ALERT_WATCHLIST</c>: a watch-listed person, denied because the site says so.</summary>
    AlertWatchList,
    /// <summary>
    /// <c>SUPPRESSED_COOLDOWN</c>: a repeat of a decision recorded moments ago for the same person at
    /// the same door; it does not unlock and is journaled as a repeat, not as a decision (see
    /// <see cref="AccessOutcome.Suppressed"/>).
    /// </summary>
    SuppressedCooldown,
}

/// <summary>The string codes of <see cref="AccessReason"/> used by the journal and the uplink.</summary>
public static class AccessReasonCodes
{
    private static readonly FrozenDictionary<AccessReason, string> Codes = new Dictionary<AccessReason, string>
    {
        [AccessReason.GrantedFace] = "GRANTED_FACE",
        [AccessReason.GrantedCard] = "GRANTED_CARD",
        [AccessReason.GrantedRemote] = "GRANTED_REMOTE",
        [AccessReason.GrantedExit] = "GRANTED_EXIT",
        [AccessReason.DeniedUnknown] = "DENIED_UNKNOWN",
        [AccessReason.DeniedSpoof] = "DENIED_SPOOF",
        [AccessReason.DeniedExpired] = "DENIED_EXPIRED",
        [AccessReason.DeniedNotYetValid] = "DENIED_NOT_YET_VALID",
        [AccessReason.DeniedRevoked] = "DENIED_REVOKED",
        [AccessReason.DeniedSuspended] = "DENIED_SUSPENDED",
        [AccessReason.DeniedSchedule] = "DENIED_SCHEDULE",
        [AccessReason.DeniedPassback] = "DENIED_PASSBACK",
        [AccessReason.DeniedDoorDisabled] = "DENIED_DOOR_DISABLED",
        [AccessReason.AlertWatchList] = "ALERT_WATCHLIST",
        [AccessReason.SuppressedCooldown] = "SUPPRESSED_COOLDOWN",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, AccessReason> Reasons =
        Codes.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>All codes, in the order of the enum.</summary>
    public static IReadOnlyList<string> All { get; } =
        Enum.GetValues<AccessReason>().Select(reason => Codes[reason]).ToArray();

    public static string ToCode(this AccessReason reason) =>
        Codes.TryGetValue(reason, out var code)
            ? code
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not an access reason.");

    /// <summary>Parses a code exactly as written by <see cref="ToCode"/> (ordinal, upper case).</summary>
    public static bool TryParse(string? code, out AccessReason reason)
    {
        if (code is not null && Reasons.TryGetValue(code, out reason))
        {
            return true;
        }

        reason = default;
        return false;
    }
}
