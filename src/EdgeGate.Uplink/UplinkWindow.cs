namespace EdgeGate.Uplink;

/// <summary>
/// Where the uplink stands in the journal (ARCHITECTURE.md §6): the platform's end-to-end ack, what
/// was published beyond it on each lane, and when the ack last moved. Pure bookkeeping, no I/O: the
/// session asks it what to read next, tells it what it published and what the platform acknowledged,
/// and rewinds it on a reconnect or when <see cref="IsAckOverdue"/> says the ack stopped moving.
/// </summary>
/// <remarks>
/// The event lane carries every entry in <c>seq</c> order; alerts also go ahead on their own lane so a
/// backlog of routine events never holds them up. Each lane keeps at most <c>window</c> entries beyond
/// the ack and reads at most <c>batchSize</c> at a time.
/// </remarks>
public sealed class UplinkWindow
{
    private readonly int window;
    private readonly int batchSize;
    private readonly TimeSpan ackTimeout;
    private readonly Queue<long> inFlight = new();
    private readonly Queue<long> alertsAhead = new();
    private DateTimeOffset lastProgressAt;

    public UplinkWindow(long acked, int window, int batchSize, TimeSpan ackTimeout, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        this.window = window;
        this.batchSize = batchSize;
        this.ackTimeout = ackTimeout;
        Acked = acked;
        Cursor = acked;
        AlertCursor = acked;
        lastProgressAt = now;
    }

    /// <summary>The highest contiguous seq the platform acknowledged.</summary>
    public long Acked { get; private set; }

    /// <summary>The last seq published on the event lane (the next read starts after it).</summary>
    public long Cursor { get; private set; }

    /// <summary>The last seq looked at on the alert lane (the next alert read starts after it).</summary>
    public long AlertCursor { get; private set; }

    /// <summary>Entries published and not yet acknowledged, on either lane.</summary>
    public bool IsWaitingForAck => inFlight.Count > 0 || alertsAhead.Count > 0;

    /// <summary>
    /// The platform acknowledged up to <paramref name="acked"/> (already recorded in the journal):
    /// drops what it covers from both lanes and restarts the ack timeout. An ack that does not move
    /// forward changes nothing.
    /// </summary>
    public void Acknowledge(long acked, DateTimeOffset now)
    {
        if (acked <= Acked)
        {
            return;
        }
        Acked = acked;
        lastProgressAt = now;
        while (inFlight.Count > 0 && inFlight.Peek() <= acked)
        {
            inFlight.Dequeue();
        }
        while (alertsAhead.Count > 0 && alertsAhead.Peek() <= acked)
        {
            alertsAhead.Dequeue();
        }
        Cursor = Math.Max(Cursor, acked);
        AlertCursor = Math.Max(AlertCursor, acked);
    }

    /// <summary>
    /// The ack timeout only runs while something waits for an ack: after an idle spell, the first new
    /// event must not look overdue. Call once per round.
    /// </summary>
    public void RestartTimeoutIfIdle(DateTimeOffset now)
    {
        if (!IsWaitingForAck)
        {
            lastProgressAt = now;
        }
    }

    /// <summary>Something waits for an ack and the ack has not moved for the ack timeout.</summary>
    public bool IsAckOverdue(DateTimeOffset now) => IsWaitingForAck && now - lastProgressAt >= ackTimeout;

    /// <summary>Everything beyond the ack is to be sent again (a reconnect, an overdue ack, a failed publish).</summary>
    public void Rewind(DateTimeOffset now)
    {
        Cursor = Acked;
        AlertCursor = Acked;
        inFlight.Clear();
        alertsAhead.Clear();
        lastProgressAt = now;
    }

    /// <summary>
    /// The next alert read: alerts after <c>From</c>, at most <c>Count</c> (0: the alert lane is full).
    /// Alerts the event lane already carried are not sent ahead again.
    /// </summary>
    public (long From, int Count) NextAlerts()
    {
        AlertCursor = Math.Max(AlertCursor, Cursor);
        return (AlertCursor, Math.Max(0, Math.Min(batchSize, window - alertsAhead.Count)));
    }

    /// <summary>The alerts read by <see cref="NextAlerts"/> were published, in seq order.</summary>
    public void AlertsPublished(IEnumerable<long> seqs)
    {
        foreach (var seq in seqs)
        {
            alertsAhead.Enqueue(seq);
            AlertCursor = seq;
        }
    }

    /// <summary>The next event read: entries after <c>From</c>, at most <c>Count</c> (0: the window is full).</summary>
    public (long From, int Count) NextEvents() => (Cursor, Math.Max(0, Math.Min(batchSize, window - inFlight.Count)));

    /// <summary>The entries read by <see cref="NextEvents"/> were handed to the client, in seq order.</summary>
    public void EventsPublished(IEnumerable<long> seqs)
    {
        foreach (var seq in seqs)
        {
            inFlight.Enqueue(seq);
            Cursor = seq;
        }
    }
}
