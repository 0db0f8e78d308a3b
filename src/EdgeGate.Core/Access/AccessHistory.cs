namespace EdgeGate.Core.Access;

/// <summary>
/// An in-memory, bounded store of recent decisions and passages for the policy's cooldown and
/// anti-passback. Times come from the decisions (it reads no clock). When full, the entry least
/// recently written is dropped; losing very old entries only relaxes cooldown and anti-passback for
/// that person, it never blocks anyone. Passages must survive a restart (an entry before it and
/// another after it is still a passback): the caller stores <see cref="PassageOf"/> with each
/// journaled decision and hands them back through <see cref="Restore"/> at start. Safe for
/// concurrent use.
/// </summary>
public sealed class AccessHistory : IAccessHistoryView
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock gate = new();
    private readonly BoundedMap<(string PersonId, string DoorId), RecentDecision> decisions;
    private readonly BoundedMap<(string PersonId, string Group), RecentPassage> passages;

    public AccessHistory(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        decisions = new(capacity);
        passages = new(capacity);
    }

    public int DecisionCount
    {
        get
        {
            lock (gate)
            {
                return decisions.Count;
            }
        }
    }

    public int PassageCount
    {
        get
        {
            lock (gate)
            {
                return passages.Count;
            }
        }
    }

    /// <summary>
    /// Records a journaled decision. Suppressed decisions and decisions without a person are not
    /// recorded (the cooldown runs from the decision that was journaled, not from its repeats), nor
    /// is a decision older than the one already held for the same person and door.
    /// </summary>
    /// <returns>Whether anything was recorded.</returns>
    public bool Record(AccessDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Outcome == AccessOutcome.Suppressed || decision.PersonId is null)
        {
            return false;
        }

        lock (gate)
        {
            var key = (decision.PersonId, decision.DoorId);
            if (decisions.TryGet(key, out var held) && held.At > decision.At)
            {
                return false;
            }

            decisions.Set(key, new RecentDecision(decision.Reason, decision.Granted, decision.At));
            if (PassageOf(decision) is { } passage)
            {
                SetPassage(passage);
            }

            return true;
        }
    }

    /// <summary>
    /// The passage a journaled decision makes for anti-passback: a grant to a person at a door with
    /// a direction and an anti-passback group; null otherwise. The caller persists it with the
    /// decision so that <see cref="Restore"/> can bring it back after a restart.
    /// </summary>
    public static PersonPassage? PassageOf(AccessDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision is { Outcome: AccessOutcome.Granted, PersonId: { } personId, Direction: { } direction, AntiPassbackGroup: { } group }
            ? new PersonPassage(personId, group, new RecentPassage(direction, decision.DoorId, decision.At))
            : null;
    }

    /// <summary>Brings back a passage recorded before a restart (a newer one held already wins).</summary>
    public void Restore(PersonPassage passage)
    {
        ArgumentNullException.ThrowIfNull(passage);
        lock (gate)
        {
            SetPassage(passage);
        }
    }

    private void SetPassage(PersonPassage passage)
    {
        var key = (passage.PersonId, passage.AntiPassbackGroup);
        if (!passages.TryGet(key, out var held) || held.At <= passage.Passage.At)
        {
            passages.Set(key, passage.Passage);
        }
    }

    public RecentDecision? LastDecision(string personId, string doorId)
    {
        lock (gate)
        {
            return decisions.TryGet((personId, doorId), out var value) ? value : null;
        }
    }

    public RecentPassage? LastPassage(string personId, string antiPassbackGroup)
    {
        lock (gate)
        {
            return passages.TryGet((personId, antiPassbackGroup), out var value) ? value : null;
        }
    }

    /// <summary>Forgets a person (deregistration, or an operator clearing an anti-passback lock-out).</summary>
    public void Forget(string personId)
    {
        lock (gate)
        {
            decisions.RemoveWhere(key => key.PersonId == personId);
            passages.RemoveWhere(key => key.PersonId == personId);
        }
    }

    /// <summary>A dictionary that drops its least recently written entry beyond a capacity.</summary>
    private sealed class BoundedMap<TKey, TValue>(int capacity)
        where TKey : notnull
    {
        private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> nodes = new();
        private readonly LinkedList<(TKey Key, TValue Value)> order = new();

        public int Count => nodes.Count;

        public bool TryGet(TKey key, out TValue value)
        {
            if (nodes.TryGetValue(key, out var node))
            {
                value = node.Value.Value;
                return true;
            }

            value = default!;
            return false;
        }

        public void Set(TKey key, TValue value)
        {
            if (nodes.Remove(key, out var existing))
            {
                order.Remove(existing);
            }

            nodes[key] = order.AddLast((key, value));
            while (nodes.Count > capacity)
            {
                var oldest = order.First!;
                order.RemoveFirst();
                nodes.Remove(oldest.Value.Key);
            }
        }

        public void RemoveWhere(Func<TKey, bool> predicate)
        {
            foreach (var key in nodes.Keys.Where(predicate).ToList())
            {
                order.Remove(nodes[key]);
                nodes.Remove(key);
            }
        }
    }
}
