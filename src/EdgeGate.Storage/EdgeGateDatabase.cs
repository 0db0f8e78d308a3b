using System.Globalization;
using EdgeGate.Storage.Access;
using EdgeGate.Storage.Commands;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Migrations;
using EdgeGate.Storage.Persons;
using EdgeGate.Storage.Privacy;
using EdgeGate.Storage.Sync;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage;

/// <summary>
/// The gateway's SQLite database: WAL, <c>synchronous=FULL</c> (a commit is on disk before it returns),
/// foreign keys on, numbered migrations applied at open. Exactly one writer: every write goes through
/// one connection guarded by a semaphore, one transaction per unit of work; reads use their own pooled
/// read-only connections and never wait for the writer.
/// </summary>
public sealed class EdgeGateDatabase : IAsyncDisposable, IDisposable
{
    private const int SqliteFull = 13;
    private const string KeyFingerprintSetting = "template_key_fingerprint";

    private readonly SqliteConnection writer;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly string readConnectionString;
    private readonly StorageOptions options;
    private readonly BlobCipher cipher;
    private long refusedWrites;
    private long dataVersion;
    private long lastRefusedAtTicks;
    private bool disposed;

    private EdgeGateDatabase(StorageOptions options, SqliteConnection writer, string readConnectionString, TemplateKey templateKey, TimeProvider timeProvider)
    {
        this.options = options;
        this.writer = writer;
        this.readConnectionString = readConnectionString;
        TimeProvider = timeProvider;
        cipher = new BlobCipher(templateKey);
        Templates = new TemplateStore(this, cipher);
        Persons = new PersonStore(this, cipher, Templates);
        Cards = new CardStore(this);
        Journal = new EventJournal(this, options);
        Passages = new PassageStore(this, Journal);
        Commands = new CommandLog(this);
        SyncCursors = new SyncCursorStore(this);
        SnapshotCipher = new SnapshotCipher(cipher);
    }

    /// <summary>The schema version this build writes.</summary>
    public static int LatestSchemaVersion => MigrationRunner.LatestVersion;

    public string DatabasePath => options.DatabasePath;

    public TimeProvider TimeProvider { get; }

    public PersonStore Persons { get; }

    public CardStore Cards { get; }

    public TemplateStore Templates { get; }

    public EventJournal Journal { get; }

    /// <summary>Anti-passback state (each person's last passage per group), kept with the journal.</summary>
    public PassageStore Passages { get; }

    public CommandLog Commands { get; }

    public SyncCursorStore SyncCursors { get; }

    /// <summary>Seals and opens stranger snapshot files with the template key.</summary>
    public SnapshotCipher SnapshotCipher { get; }

    /// <summary>
    /// Writes refused for lack of space (full disk or the configured size limit) since the database
    /// was opened, and when the last one was: while this grows, nothing new is being recorded.
    /// </summary>
    public StorageFullness Fullness
    {
        get
        {
            var ticks = Interlocked.Read(ref lastRefusedAtTicks);
            return new StorageFullness(Interlocked.Read(ref refusedWrites), ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero));
        }
    }

    /// <summary>
    /// Opens (creating if needed) the database, applies pending migrations and checks that
    /// <paramref name="templateKey"/> is the key its templates were written with.
    /// </summary>
    /// <exception cref="SchemaVersionException">The file was written by a newer release.</exception>
    /// <exception cref="TemplateDecryptionException">The database was written with another template key.</exception>
    public static EdgeGateDatabase Open(StorageOptions options, TemplateKey templateKey, TimeProvider? timeProvider = null)
    {
        timeProvider ??= TimeProvider.System;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(templateKey);
        options.Validate();
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        var timeoutSeconds = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        var writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        var readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();

        var writer = new SqliteConnection(writeConnectionString);
        try
        {
            writer.Open();
            ExecutePragma(writer, "PRAGMA journal_mode=WAL", expected: "wal");
            ExecutePragma(writer, "PRAGMA synchronous=FULL", expected: null);
            ExecutePragma(writer, "PRAGMA foreign_keys=ON", expected: null);
            // Deleted biometric rows are overwritten with zeros, not left in free pages.
            ExecutePragma(writer, "PRAGMA secure_delete=ON", expected: null);
            ExecutePragma(writer, $"PRAGMA busy_timeout={(long)options.BusyTimeout.TotalMilliseconds}", expected: null);
            if (options.MaximumDatabaseBytes is { } maximumBytes)
            {
                var pageSize = writer.Command("PRAGMA page_size").ScalarInt64();
                ExecutePragma(writer, $"PRAGMA max_page_count={Math.Max(1, maximumBytes / pageSize)}", expected: null);
            }
            try
            {
                MigrationRunner.Apply(writer, timeProvider);
            }
            catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteFull)
            {
                throw new StorageFullException($"no space left to migrate {options.DatabasePath}", exception);
            }
            var database = new EdgeGateDatabase(options, writer, readConnectionString, templateKey, timeProvider);
            database.CheckTemplateKey(templateKey);
            database.Persons.Initialise(writer);
            database.Journal.Initialise(writer);
            database.dataVersion = DataVersion(writer);
            return database;
        }
        catch (SqliteException exception)
        {
            writer.Dispose();
            // Mostly a file or folder the process may not write (created by root, or a read-only mount).
            throw new StorageException(
                $"cannot open the database {options.DatabasePath} for writing: {exception.Message.TrimEnd('.')}. The file, its -wal and " +
                "-shm files and their folder must belong to the user the gateway runs as (install.sh gives the data folder to that user)",
                exception);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Picks up commits made by another process on the same file (the <c>edgegate</c> command line
    /// while the gateway runs): SQLite's <c>data_version</c> on the single writer connection changes
    /// only when another connection committed. When it did, what the stores keep in memory is read
    /// again: the person change feed wakes its followers (the gallery applies an enrolment or a
    /// deregistration from the command line as it does one of its own), the journal's row count is
    /// recounted. When nothing changed it costs one pragma under the write lock.
    /// </summary>
    /// <returns>True when another process changed the file since the last call.</returns>
    public async Task<bool> CatchUpWithOtherWritersAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        long latestPersonVersion;
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var version = DataVersion(writer);
            if (version == dataVersion)
            {
                return false;
            }
            dataVersion = version;
            Journal.Initialise(writer);
            latestPersonVersion = PersonStore.LatestVersion(writer);
        }
        finally
        {
            writeGate.Release();
        }
        Persons.OnVersionCommitted(latestPersonVersion);
        return true;
    }

    private static long DataVersion(SqliteConnection connection) => connection.Command("PRAGMA data_version").ScalarInt64();

    /// <summary>Runs <c>PRAGMA integrity_check</c>; an empty list means the file is sound.</summary>
    public async Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(connection =>
        {
            using var command = connection.Command("PRAGMA integrity_check");
            using var reader = command.ExecuteReader();
            var problems = new List<string>();
            while (reader.Read())
            {
                var line = reader.GetString(0);
                if (line != "ok")
                {
                    problems.Add(line);
                }
            }
            return (IReadOnlyList<string>)problems;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>The schema version recorded in the file.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(
            connection => (int)connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version").ScalarInt64(),
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs one unit of work in a transaction on the single writer connection and commits it (with
    /// <c>synchronous=FULL</c> the commit is durable when this returns).
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var transaction = writer.BeginTransaction(deferred: false);
                var context = new WriteContext(writer, transaction, TimeProvider.GetUtcNow(), Persons.OnVersionCommitted);
                var result = work(context);
                transaction.Commit();
                context.RunAfterCommit();
                return result;
            }
            catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteFull)
            {
                Interlocked.Exchange(ref lastRefusedAtTicks, TimeProvider.GetUtcNow().UtcTicks);
                Interlocked.Increment(ref refusedWrites);
                throw new StorageFullException(
                    $"the database {options.DatabasePath} is full (disk or configured size limit); the write was not recorded",
                    exception);
            }
        }
        finally
        {
            writeGate.Release();
        }
    }

    /// <summary>
    /// Exercises the read and write paths once, so that the first event recorded after a start does
    /// not pay for them: a journal row is inserted and rolled back (its statement compiled, its pages
    /// read; nothing is recorded and no seq is used), a read connection is opened, and the time of this
    /// start is committed to the settings (<c>last_started_at</c>: the write-ahead log written and synced).
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var draft = new JournalDraft(JournalLane.Event, "warm_up", TimeProvider.GetUtcNow(), "{}");
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var transaction = writer.BeginTransaction(deferred: false);
            Journal.Append(new WriteContext(writer, transaction, TimeProvider.GetUtcNow(), Persons.OnVersionCommitted), [draft]);
            transaction.Rollback();
        }
        finally
        {
            writeGate.Release();
        }
        await ReadAsync(connection => connection.Command("SELECT COUNT(*) FROM settings").ScalarInt64(), cancellationToken).ConfigureAwait(false);
        await WriteAsync(context => context.Command(
                "INSERT INTO settings (name, value) VALUES ('last_started_at', $now) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .With("$now", context.Now.ToString("O", CultureInfo.InvariantCulture))
            .Execute(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a read on its own read-only connection (a consistent snapshot inside one transaction).</summary>
    internal Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        try
        {
            using var connection = new SqliteConnection(readConnectionString);
            connection.Open();
            using var transaction = connection.BeginTransaction(deferred: true);
            var result = work(connection);
            transaction.Commit();
            return Task.FromResult(result);
        }
        catch (Exception exception)
        {
            // Failures travel in the task, as for any other asynchronous method.
            return Task.FromException<T>(exception);
        }
    }

    /// <summary>
    /// Folds the WAL into the main file and truncates it, so that page images of deleted rows do not
    /// linger in the -wal file (used after deregistration). Runs on the writer, after its commit.
    /// </summary>
    internal static void TruncateWriteAheadLog(SqliteConnection writer)
    {
        try
        {
            writer.Command("PRAGMA wal_checkpoint(TRUNCATE)").Execute();
        }
        catch (SqliteException)
        {
            // A reader still on an old snapshot: the frames are overwritten by later checkpoints.
        }
    }

    private void CheckTemplateKey(TemplateKey templateKey)
    {
        var stored = writer.Command("SELECT value FROM settings WHERE name = $name")
            .With("$name", KeyFingerprintSetting);
        string? fingerprint;
        using (stored)
        {
            fingerprint = stored.ExecuteScalar() as string;
        }
        if (fingerprint is null)
        {
            writer.Command("INSERT INTO settings (name, value) VALUES ($name, $value)")
                .With("$name", KeyFingerprintSetting)
                .With("$value", templateKey.Fingerprint)
                .Execute();
            return;
        }
        if (!string.Equals(fingerprint, templateKey.Fingerprint, StringComparison.Ordinal))
        {
            throw new TemplateDecryptionException(
                $"the template key does not match the database {options.DatabasePath}: it was written with key " +
                $"{fingerprint}, this key is {templateKey.Fingerprint}. Use the original key file from the " +
                "credentials directory; the stored face templates cannot be read with another key.");
        }
    }

    private static void ExecutePragma(SqliteConnection connection, string sql, string? expected)
    {
        using var command = connection.Command(sql);
        var result = command.ExecuteScalar();
        if (expected is not null &&
            !string.Equals(Convert.ToString(result, CultureInfo.InvariantCulture), expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageException($"'{sql}' answered '{result}' instead of '{expected}' on {connection.DataSource}");
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        writeGate.Wait();
        Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }
        await writeGate.WaitAsync().ConfigureAwait(false);
        Close();
    }

    /// <summary>Closes everything; the caller holds the write gate, so no write is in flight.</summary>
    private void Close()
    {
        try
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            using (var pooled = new SqliteConnection(readConnectionString))
            {
                SqliteConnection.ClearPool(pooled);
            }
            // Fold the WAL back into the main file so a clean stop leaves one file.
            TruncateWriteAheadLog(writer);
            writer.Dispose();
            cipher.Dispose();
        }
        finally
        {
            writeGate.Release();
        }
    }
}

/// <summary>Writes refused for lack of space so far, and when the last one was (null: none).</summary>
public sealed record StorageFullness(long RefusedWrites, DateTimeOffset? LastRefusedAt);
