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

    private readonly Lock _gate = new();
    private readonly BoundedMap<(string PersonId, string DoorId), RecentDecision> _decisions;
    private readonly BoundedMap<(string PersonId, string Group), RecentPassage> _passages;

    public AccessHistory(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _decisions = new(capacity);
        _passages = new(capacity);
    }

    public int DecisionCount
    {
        get
        {
            lock (_gate)
            {
                return _decisions.Count;
            }
        }
    }

    public int PassageCount
    {
        get
        {
            lock (_gate)
            {
                return _passages.Count;
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

        lock (_gate)
        {
            var key = (decision.PersonId, decision.DoorId);
            if (_decisions.TryGet(key, out var held) && held.At > decision.At)
            {
                return false;
            }

            _decisions.Set(key, new RecentDecision(decision.Reason, decision.Granted, decision.At));
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
        lock (_gate)
        {
            SetPassage(passage);
        }
    }

    private void SetPassage(PersonPassage passage)
    {
        var key = (passage.PersonId, passage.AntiPassbackGroup);
        if (!_passages.TryGet(key, out var held) || held.At <= passage.Passage.At)
        {
            _passages.Set(key, passage.Passage);
        }
    }

    public RecentDecision? LastDecision(string personId, string doorId)
    {
        lock (_gate)
        {
            return _decisions.TryGet((personId, doorId), out var value) ? value : null;
        }
    }

    public RecentPassage? LastPassage(string personId, string antiPassbackGroup)
    {
        lock (_gate)
        {
            return _passages.TryGet((personId, antiPassbackGroup), out var value) ? value : null;
        }
    }

    /// <summary>Forgets a person (deregistration, or an operator clearing an anti-passback lock-out).</summary>
    public void Forget(string personId)
    {
        lock (_gate)
        {
            _decisions.RemoveWhere(key => key.PersonId == personId);
            _passages.RemoveWhere(key => key.PersonId == personId);
        }
    }

    /// <summary>A dictionary that drops its least recently written entry beyond a capacity.</summary>
    private sealed class BoundedMap<TKey, TValue>(int capacity)
        where TKey : notnull
    {
        private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _nodes = new();
        private readonly LinkedList<(TKey Key, TValue Value)> _order = new();

        public int Count => _nodes.Count;

        public bool TryGet(TKey key, out TValue value)
        {
            if (_nodes.TryGetValue(key, out var node))
            {
                value = node.Value.Value;
                return true;
            }

            value = default!;
            return false;
        }

        public void Set(TKey key, TValue value)
        {
            if (_nodes.Remove(key, out var existing))
            {
                _order.Remove(existing);
            }

            _nodes[key] = _order.AddLast((key, value));
            while (_nodes.Count > capacity)
            {
                var oldest = _order.First!;
                _order.RemoveFirst();
                _nodes.Remove(oldest.Value.Key);
            }
        }

        public void RemoveWhere(Func<TKey, bool> predicate)
        {
            foreach (var key in _nodes.Keys.Where(predicate).ToList())
            {
                _order.Remove(_nodes[key]);
                _nodes.Remove(key);
            }
        }
    }
}
