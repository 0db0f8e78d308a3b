using System.Text;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Journal;

/// <summary>
/// The journal as the local access history. Every row (access decisions, door events, alerts) stays
/// after the platform acknowledged it; <see cref="PruneHistoryAsync"/> removes acknowledged rows by
/// age and by row cap, oldest first, in small transactions, and never a row the platform has not
/// acknowledged. <see cref="QueryHistoryAsync"/> (and <see cref="ReadHistoryFile"/> for a database the
/// gateway may or may not have open) answer "who came in through this door, when", newest first.
/// </summary>
public sealed partial class EventJournal
{
    /// <summary>History rows matching <paramref name="query"/>, newest first (by seq), one page.</summary>
    /// <exception cref="ArgumentException">The query is not valid (<see cref="HistoryQuery.Problem"/>).</exception>
    public Task<HistoryPage> QueryHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        CheckQuery(query);
        return database.ReadAsync(connection => QueryHistory(connection, query), cancellationToken);
    }

    /// <summary>
    /// Reads the history of the database file at <paramref name="databasePath"/> over a read-only
    /// connection: no migration, no template key, no write lock, so it works with the gateway stopped
    /// and while it runs (WAL readers do not block the writer).
    /// </summary>
    /// <exception cref="StorageException">The file is missing, cannot be read or holds no journal.</exception>
    public static HistoryPage ReadHistoryFile(string databasePath, HistoryQuery query, TimeSpan busyTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        CheckQuery(query);
        if (!File.Exists(databasePath))
        {
            throw new StorageException($"there is no database at {databasePath} (has the gateway ever run with this configuration?)");
        }
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var transaction = connection.BeginTransaction(deferred: true);
            if (connection.Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'journal_ack')").ScalarInt64() != 2)
            {
                throw new StorageException($"{databasePath} holds no EdgeGate event journal");
            }
            return QueryHistory(connection, query);
        }
        catch (SqliteException exception)
        {
            throw new StorageException(
                $"cannot read {databasePath}: {exception.Message.TrimEnd('.')}. Reading needs read access to the file and to its " +
                "folder (SQLite's -shm file sits beside it); run as the gateway's user or with sudo", exception);
        }
    }

    /// <summary>
    /// Removes acknowledged rows recorded before now − <see cref="HistoryRetention.MaximumAge"/>, then
    /// the oldest acknowledged rows beyond <see cref="HistoryRetention.MaximumRows"/>, at most
    /// <see cref="HistoryRetention.BatchRows"/> per transaction so a door event never waits long for
    /// the writer. Unacknowledged rows are kept whatever their age or number.
    /// </summary>
    public async Task<HistoryPruneResult> PruneHistoryAsync(HistoryRetention retention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retention);
        retention.Validate();
        var cutoff = StoredTime.ToStored(database.TimeProvider.GetUtcNow() - retention.MaximumAge);
        long byAge = 0;
        while (true)
        {
            var deleted = await database.WriteAsync(context => PruneBatch(context, retention.BatchRows, cutoff), cancellationToken).ConfigureAwait(false);
            if (deleted == 0)
            {
                break;
            }
            byAge += deleted;
            await Task.Yield();
        }
        long byCap = 0;
        while (true)
        {
            var deleted = await database.WriteAsync(
                context => rows > retention.MaximumRows ? PruneBatch(context, Math.Min(rows - retention.MaximumRows, retention.BatchRows), recordedBefore: null) : 0,
                cancellationToken).ConfigureAwait(false);
            if (deleted == 0)
            {
                break;
            }
            byCap += deleted;
            await Task.Yield();
        }
        var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return new HistoryPruneResult(byAge, byCap, status.Rows, status.UnackedRows, Math.Max(0, status.Rows - retention.MaximumRows));
    }

    private long PruneBatch(WriteContext context, long maximum, long? recordedBefore)
    {
        var deleted = DeleteOldestAcknowledged(context, maximum, recordedBefore);
        context.AfterCommit(() => rows -= deleted);
        return deleted;
    }

    /// <summary>
    /// Deletes, among the <paramref name="maximum"/> oldest acknowledged rows, those recorded before
    /// <paramref name="recordedBefore"/> (all of them when null). Returns how many were deleted; the
    /// caller accounts for them in the row count.
    /// </summary>
    private static long DeleteOldestAcknowledged(WriteContext context, long maximum, long? recordedBefore)
    {
        if (maximum <= 0)
        {
            return 0;
        }
        using var command = context.Command(
            "DELETE FROM journal WHERE seq IN (SELECT seq FROM journal WHERE seq <= (SELECT acked_seq FROM journal_ack WHERE id = 1) ORDER BY seq LIMIT $maximum)");
        command.With("$maximum", maximum);
        if (recordedBefore is { } before)
        {
            command.CommandText += " AND recorded_at < $before";
            command.With("$before", before);
        }
        return command.ExecuteNonQuery();
    }

    private static void CheckQuery(HistoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(query));
        }
    }

    // The json_extract expressions must stay exactly those of the indexes in 0007_journal_history.sql.
    private static HistoryPage QueryHistory(SqliteConnection connection, HistoryQuery query)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM journal WHERE 1 = 1");
        using var command = connection.CreateCommand();
        if (query.BeforeSeq is { } before)
        {
            sql.Append(" AND seq < $before");
            command.With("$before", before);
        }
        // With a person, door or reason, their (narrower) index is the one to use: "+occurred_at" keeps
        // SQLite from picking the time index instead and sorting a long time range by seq.
        var time = query.PersonId is null && query.Door is null && query.Reason is null ? "occurred_at" : "+occurred_at";
        if (query.From is { } from)
        {
            sql.Append($" AND {time} >= $from");
            command.With("$from", StoredTime.ToStored(from));
        }
        if (query.To is { } to)
        {
            sql.Append($" AND {time} <= $to");
            command.With("$to", StoredTime.ToStored(to));
        }
        // The most selective filter (a person, then a reason, then a door) uses its index; the others
        // are checked on the rows it finds ("+" keeps SQLite from walking a wider index instead).
        var indexed = false;
        AppendField(query.PersonId, "$.personId", "$person");
        AppendField(query.Reason, "$.reason", "$reason");
        AppendField(query.Door, "$.door", "$door");
        sql.Append(" ORDER BY seq DESC LIMIT $limit");
        command.With("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var entries = new List<JournalEntry>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                entries.Add(ReadEntry(reader));
            }
        }
        long? next = null;
        if (entries.Count > query.Limit)
        {
            entries.RemoveAt(entries.Count - 1);
            next = entries[^1].Seq;
        }
        var acked = connection.Command("SELECT acked_seq FROM journal_ack WHERE id = 1").ScalarInt64();
        return new HistoryPage(entries, acked, next);

        void AppendField(string? value, string path, string parameter)
        {
            if (value is null)
            {
                return;
            }
            if (indexed)
            {
                sql.Append($" AND +json_extract(payload, '{path}') = {parameter}");
            }
            else
            {
                // The IS NOT NULL term lets SQLite use the partial index.
                sql.Append($" AND json_extract(payload, '{path}') IS NOT NULL AND json_extract(payload, '{path}') = {parameter}");
                indexed = true;
            }
            command.With(parameter, value);
        }
    }
}

/// <summary>
/// A history search: every given filter must match; <see cref="From"/> and <see cref="To"/> bound the
/// time the event occurred (both inclusive); pages go newest first, the next one starts below
/// <see cref="HistoryPage.NextBeforeSeq"/>.
/// </summary>
public sealed record HistoryQuery
{
    public const int MaximumLimit = 10_000;
    public const int MaximumTextLength = 200;

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>The person id of an access decision (<c>personId</c> in its payload).</summary>
    public string? PersonId { get; init; }

    /// <summary>The door name (<c>door</c> in the payload of decisions and door events).</summary>
    public string? Door { get; init; }

    /// <summary>The reason code of an access decision, e.g. <c>GRANTED_FACE</c> (exact).</summary>
    public string? Reason { get; init; }

    /// <summary>Only rows with a lower seq (the previous page's <see cref="HistoryPage.NextBeforeSeq"/>).</summary>
    public long? BeforeSeq { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>Why this query cannot run, in plain words; null when it can.</summary>
    public string? Problem()
    {
        if (Limit is < 1 or > MaximumLimit)
        {
            return $"limit must be 1-{MaximumLimit}";
        }
        if (From is { } from && To is { } to && from > to)
        {
            return "from must not be later than to";
        }
        if (BeforeSeq is < 1)
        {
            return "before must be a seq, 1 or more";
        }
        foreach (var (name, value) in new[] { ("person", PersonId), ("door", Door), ("reason", Reason) })
        {
            if (value is not null && (value.Length == 0 || value.Length > MaximumTextLength))
            {
                return $"{name} must hold 1-{MaximumTextLength} characters";
            }
        }
        return null;
    }
}

/// <summary>
/// One page of history, newest first. A row with seq at or below <see cref="AckedSeq"/> has been
/// delivered to the platform; <see cref="NextBeforeSeq"/> is null on the last page.
/// </summary>
public sealed record HistoryPage(IReadOnlyList<JournalEntry> Entries, long AckedSeq, long? NextBeforeSeq);

/// <summary>How long and how much acknowledged history is kept; pruning works in batches of <see cref="BatchRows"/>.</summary>
public sealed record HistoryRetention(TimeSpan MaximumAge, long MaximumRows, int BatchRows = 200)
{
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumAge, TimeSpan.Zero, nameof(MaximumAge));
        ArgumentOutOfRangeException.ThrowIfNegative(MaximumRows, nameof(MaximumRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchRows, 1, nameof(BatchRows));
    }
}

/// <summary>
/// What a prune removed and what is left. <see cref="OverCap"/> rows beyond the cap remain because they
/// are not yet delivered (<see cref="UndeliveredRows"/>): they are kept until the platform acknowledges them.
/// </summary>
public sealed record HistoryPruneResult(long RemovedByAge, long RemovedByCap, long Rows, long UndeliveredRows, long OverCap);
