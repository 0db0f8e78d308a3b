namespace EdgeGate.Storage.Journal;

/// <summary>Alerts (watch list, tamper, loss of events) go out first and are never dropped.</summary>
public enum JournalLane
{
    Alert,
    Event,
}

/// <summary>An event to record. <see cref="PayloadJson"/> must be valid JSON (checked by the database).</summary>
public sealed record JournalDraft(JournalLane Lane, string Type, DateTimeOffset OccurredAt, string PayloadJson);

/// <summary>A recorded event: <see cref="Seq"/> is gateway-wide, strictly increasing and never reused.</summary>
public sealed record JournalEntry(
    long Seq,
    JournalLane Lane,
    string Type,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string PayloadJson);

public enum AcknowledgeOutcome
{
    /// <summary>The cursor moved forward.</summary>
    Advanced,
    /// <summary>The ack is at or behind the cursor (a duplicate or an old retained message).</summary>
    Unchanged,
    /// <summary>The ack names a seq this gateway never assigned (another gateway's or a reset database); ignored.</summary>
    BeyondLastSeq,
}

/// <summary>A summary of the journal for health reports.</summary>
public sealed record JournalStatus(long Rows, long AlertRows, long LastSeq, long AckedSeq, long UnackedRows);
