namespace EdgeGate.Core.Access;

/// <summary>The last journaled decision for one person at one door (for the cooldown).</summary>
public readonly record struct RecentDecision(AccessReason Reason, bool Granted, DateTimeOffset At);

/// <summary>The last granted passage of one person in one anti-passback group.</summary>
public readonly record struct RecentPassage(PassageDirection Direction, string DoorId, DateTimeOffset At);

/// <summary>A person's passage in an anti-passback group, as kept on disk across restarts.</summary>
public sealed record PersonPassage(string PersonId, string AntiPassbackGroup, RecentPassage Passage);

/// <summary>
/// The recent history the policy reads. The caller keeps it (see <see cref="AccessHistory"/>) and
/// records every journaled decision into it.
/// </summary>
public interface IAccessHistoryView
{
    RecentDecision? LastDecision(string personId, string doorId);

    RecentPassage? LastPassage(string personId, string antiPassbackGroup);
}
