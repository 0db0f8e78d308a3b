using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Journal;

/// <summary>
/// The outbox and the local access history. An event counts as recorded only once
/// <see cref="AppendAsync"/> returns its seq: the row is committed with <c>synchronous=FULL</c>. The
/// uplink reads from the last end-to-end ack (<see cref="ReadFromAsync"/>) and moves the ack cursor on
/// the platform's cumulative ack: a row at or below the cursor is delivered and never sent again, but
/// stays as history until <see cref="PruneHistoryAsync"/> removes it by age or row cap (EventJournal.History.cs).
/// The journal is bounded: at the cap, the oldest acknowledged rows go first, then the oldest routine
/// events; alerts are never dropped and every loss is itself recorded as an <c>events_dropped</c> alert
/// with the count and seq range.
/// </summary>
public sealed partial class EventJournal
{
    public const string EventsDroppedType = "events_dropped";

    private const string Columns = "seq, lane, type, occurred_at, recorded_at, payload";

    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);

    private readonly EdgeGateDatabase database;
    private readonly StorageOptions options;

    // Row count, kept by the single writer (read once at open), so the cap costs no COUNT(*) per append.
    private long rows;

    // The highest seq committed, kept by the single writer (read once at open).
    private long lastRecordedSeq;

    internal EventJournal(EdgeGateDatabase database, StorageOptions options)
    {
        this.database = database;
        this.options = options;
    }

    internal void Initialise(SqliteConnection writer)
    {
        rows = writer.Command("SELECT COUNT(*) FROM journal").ScalarInt64();
        lastRecordedSeq = writer.Command("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0)").ScalarInt64();
    }

    /// <summary>The seq of the newest committed row (0 before the first); read from memory, costs nothing.</summary>
    public long LastRecordedSeq => Interlocked.Read(ref lastRecordedSeq);

    /// <summary>Records one event; returns its seq once it is durably committed.</summary>
    public async Task<long> AppendAsync(JournalDraft draft, CancellationToken cancellationToken = default)
    {
        var seqs = await AppendBatchAsync([draft], cancellationToken).ConfigureAwait(false);
        return seqs[0];
    }

    /// <summary>Records several events in one transaction (one fsync); returns their seqs in order.</summary>
    public Task<IReadOnlyList<long>> AppendBatchAsync(IReadOnlyList<JournalDraft> drafts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<long>>([]);
        }
        foreach (var draft in drafts)
        {
            CheckDraft(draft);
        }
        return database.WriteAsync(context => Append(context, drafts), cancellationToken);
    }

    /// <summary>Throws when <paramref name="draft"/> cannot be recorded (no type, payload not JSON).</summary>
    internal static void CheckDraft(JournalDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(draft.Type);
        ArgumentNullException.ThrowIfNull(draft.PayloadJson);
        EnsureJson(draft);
    }

    /// <summary>Inserts checked drafts inside the caller's write transaction; returns their seqs in order.</summary>
    internal IReadOnlyList<long> Append(WriteContext context, IReadOnlyList<JournalDraft> drafts)
    {
        var delta = MakeRoom(context, drafts.Count);
        var seqs = new List<long>(drafts.Count);
        using var insert = context.Command(
            "INSERT INTO journal (lane, type, occurred_at, recorded_at, payload) " +
            "VALUES ($lane, $type, $occurredAt, $recordedAt, $payload) RETURNING seq");
        var lane = insert.Parameters.Add("$lane", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var occurredAt = insert.Parameters.Add("$occurredAt", SqliteType.Integer);
        var recordedAt = insert.Parameters.AddWithValue("$recordedAt", StoredTime.ToStored(context.Now));
        var payload = insert.Parameters.Add("$payload", SqliteType.Text);
        foreach (var draft in drafts)
        {
            lane.Value = LaneName(draft.Lane);
            type.Value = draft.Type;
            occurredAt.Value = StoredTime.ToStored(draft.OccurredAt);
            payload.Value = draft.PayloadJson;
            seqs.Add((long)insert.ExecuteScalar()!);
        }
        delta += drafts.Count;
        context.AfterCommit(() =>
        {
            rows += delta;
            Interlocked.Exchange(ref lastRecordedSeq, seqs[^1]);
        });
        return seqs;
    }

    /// <summary>
    /// Up to <paramref name="maximum"/> entries with seq greater than <paramref name="afterSeq"/>, in seq
    /// order, of one lane or both.
    /// </summary>
    public Task<IReadOnlyList<JournalEntry>> ReadFromAsync(long afterSeq, int maximum, JournalLane? lane = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, 1);
        return database.ReadAsync(connection =>
        {
            using var command = connection.Command(
                $"SELECT {Columns} FROM journal WHERE seq > $after AND ($lane IS NULL OR lane = $lane) ORDER BY seq LIMIT $limit")
                .With("$after", afterSeq)
                .With("$lane", lane is { } value ? LaneName(value) : null)
                .With("$limit", maximum);
            using var reader = command.ExecuteReader();
            var entries = new List<JournalEntry>();
            while (reader.Read())
            {
                entries.Add(ReadEntry(reader));
            }
            return (IReadOnlyList<JournalEntry>)entries;
        }, cancellationToken);
    }

    /// <summary>One row selected with <see cref="Columns"/>.</summary>
    private static JournalEntry ReadEntry(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        LaneFrom(reader.GetString(1)),
        reader.GetString(2),
        StoredTime.FromStored(reader.GetInt64(3)),
        StoredTime.FromStored(reader.GetInt64(4)),
        reader.GetString(5));

    /// <summary>The highest seq the platform acknowledged end to end (0 before the first ack).</summary>
    public Task<long> GetAckedSeqAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection => connection.Command("SELECT acked_seq FROM journal_ack WHERE id = 1").ScalarInt64(), cancellationToken);

    /// <summary>Moves the ack cursor forward to a cumulative ack from the platform (never backward).</summary>
    public Task<AcknowledgeOutcome> AcknowledgeAsync(long ackedSeq, CancellationToken cancellationToken = default) =>
        database.WriteAsync(context =>
        {
            var current = context.Command("SELECT acked_seq FROM journal_ack WHERE id = 1").ScalarInt64();
            if (ackedSeq <= current)
            {
                return AcknowledgeOutcome.Unchanged;
            }
            if (ackedSeq > LastSeq(context))
            {
                return AcknowledgeOutcome.BeyondLastSeq;
            }
            context.Command("UPDATE journal_ack SET acked_seq = $seq, acked_at = $now WHERE id = 1")
                .With("$seq", ackedSeq)
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute();
            return AcknowledgeOutcome.Advanced;
        }, cancellationToken);

    public Task<JournalStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            // Each count reads an index or a seq range, not the rows: the journal holds the whole history.
            using var command = connection.Command(
                "SELECT (SELECT COUNT(*) FROM journal), (SELECT COUNT(*) FROM journal WHERE lane = 'alert'), " +
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0), " +
                "(SELECT acked_seq FROM journal_ack WHERE id = 1), " +
                "(SELECT COUNT(*) FROM journal WHERE seq > (SELECT acked_seq FROM journal_ack WHERE id = 1))");
            using var reader = command.ExecuteReader();
            reader.Read();
            return new JournalStatus(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }, cancellationToken);

    /// <summary>
    /// Keeps the journal within its cap before <paramref name="incoming"/> rows are added. Returns the
    /// change in row count (negative for removals, +1 for a loss record).
    /// </summary>
    private long MakeRoom(WriteContext context, int incoming)
    {
        var cap = options.JournalMaximumRows;
        if (rows + incoming <= cap)
        {
            return 0;
        }
        // Acknowledged rows are already delivered: removing the oldest of them loses only history.
        var delta = -DeleteOldestAcknowledged(context, Math.Max(rows + incoming - cap, options.EffectiveDropBatchRows), recordedBefore: null);
        if (rows + delta + incoming <= cap)
        {
            return delta;
        }
        var excess = rows + delta + incoming + 1 - cap;
        var drop = Math.Max(excess, options.EffectiveDropBatchRows);
        long count;
        long firstSeq;
        long lastSeq;
        using (var range = context.Command(
            "SELECT COUNT(*), MIN(seq), MAX(seq) FROM (SELECT seq FROM journal WHERE lane = 'event' ORDER BY seq LIMIT $drop)")
            .With("$drop", drop))
        using (var reader = range.ExecuteReader())
        {
            reader.Read();
            count = reader.GetInt64(0);
            if (count == 0)
            {
                // Only alerts left: they are kept even beyond the cap.
                return delta;
            }
            firstSeq = reader.GetInt64(1);
            lastSeq = reader.GetInt64(2);
        }
        delta -= context.Command("DELETE FROM journal WHERE lane = 'event' AND seq <= $last").With("$last", lastSeq).Execute();
        var payload = JsonSerializer.Serialize(new EventsDroppedPayload(count, firstSeq, lastSeq, cap), PayloadOptions);
        context.Command(
            "INSERT INTO journal (lane, type, occurred_at, recorded_at, payload) VALUES ('alert', $type, $now, $now, $payload)")
            .With("$type", EventsDroppedType)
            .With("$now", StoredTime.ToStored(context.Now))
            .With("$payload", payload)
            .Execute();
        return delta + 1;
    }

    private static void EnsureJson(JournalDraft draft)
    {
        try
        {
            using var document = JsonDocument.Parse(draft.PayloadJson);
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"the payload of a '{draft.Type}' event is not valid JSON: {exception.Message}", nameof(draft), exception);
        }
    }

    private static long LastSeq(WriteContext context) =>
        context.Command("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0)").ScalarInt64();

    internal static string LaneName(JournalLane lane) => lane switch
    {
        JournalLane.Alert => "alert",
        JournalLane.Event => "event",
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "unknown journal lane"),
    };

    private static JournalLane LaneFrom(string value) => value switch
    {
        "alert" => JournalLane.Alert,
        "event" => JournalLane.Event,
        _ => throw new StorageException($"unknown stored journal lane '{value}'"),
    };
}

/// <summary>Payload of an <c>events_dropped</c> alert: how many routine events were lost, and which seqs.</summary>
public sealed record EventsDroppedPayload(long Count, long FirstSeq, long LastSeq, long Cap);
