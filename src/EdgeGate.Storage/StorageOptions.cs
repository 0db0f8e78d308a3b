namespace EdgeGate.Storage;

/// <summary>Where and how the gateway keeps its database.</summary>
public sealed class StorageOptions
{
    /// <summary>The SQLite file (its -wal and -shm files sit beside it).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>How long a connection waits for a lock held by another connection before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Cap on journal rows. When reached, acknowledged rows are removed first, then the oldest routine
    /// events (never alerts), and the loss is recorded as an <c>events_dropped</c> alert.
    /// </summary>
    public long JournalMaximumRows { get; init; } = 1_000_000;

    /// <summary>
    /// How many routine events are dropped at once when the cap is reached (at least what is needed), so
    /// one loss record covers a batch rather than every single event. Default: 1% of the cap.
    /// </summary>
    public long? JournalDropBatchRows { get; init; }

    /// <summary>
    /// Optional limit on the database file size; a write beyond it fails with
    /// <see cref="StorageFullException"/> exactly like a full disk.
    /// </summary>
    public long? MaximumDatabaseBytes { get; init; }

    internal long EffectiveDropBatchRows => Math.Max(1, JournalDropBatchRows ?? JournalMaximumRows / 100);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DatabasePath);
        if (JournalMaximumRows < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(JournalMaximumRows), JournalMaximumRows, "the journal cap must be at least 2 rows");
        }
        if (BusyTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "the busy timeout cannot be negative");
        }
        if (MaximumDatabaseBytes is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumDatabaseBytes), MaximumDatabaseBytes, "the size limit must be positive");
        }
    }
}
