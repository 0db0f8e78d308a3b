// LiteDB 5.0.21 against SQLite as EdgeGate's journal uses it (WAL, synchronous=FULL, one writer),
// on journal-like rows (seq, time, door, reason, person, a 200-byte payload):
//
//   LiteDbCheck commits litedb|sqlite [count]   one commit per event, as "recorded" needs; run it
//                                               under `strace -f -c -e trace=fsync,fdatasync` to
//                                               count the flushes that reach the disk
//   LiteDbCheck speed litedb|sqlite             10,000 events in batches of 100, read back all,
//                                               look up 1,000 by seq; times and file size
using System.Diagnostics;
using LiteDB;
using Microsoft.Data.Sqlite;

if (args is not [var mode and ("commits" or "speed"), var engine and ("litedb" or "sqlite"), ..])
{
    Console.Error.WriteLine("usage: LiteDbCheck commits|speed litedb|sqlite [count]");
    return 2;
}
var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1100;
var directory = Directory.CreateTempSubdirectory("litedb-check-").FullName;
try
{
    using IJournal journal = engine == "litedb" ? new LiteJournal(directory) : new SqliteJournal(directory);
    if (mode == "commits")
    {
        var start = Stopwatch.GetTimestamp();
        for (long seq = 1; seq <= count; seq++)
        {
            journal.Append([Event.Make(seq)]);
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        Console.WriteLine($"{engine}: {count} single-event commits in {elapsed.TotalMilliseconds:F0} ms ({elapsed.TotalMilliseconds * 1000 / count:F0} µs each)");
    }
    else
    {
        var start = Stopwatch.GetTimestamp();
        for (long seq = 1; seq <= 10_000; seq += 100)
        {
            journal.Append([.. Enumerable.Range(0, 100).Select(offset => Event.Make(seq + offset))]);
        }
        var write = Stopwatch.GetElapsedTime(start);
        start = Stopwatch.GetTimestamp();
        var all = journal.ReadAfter(0);
        var readAll = Stopwatch.GetElapsedTime(start);
        start = Stopwatch.GetTimestamp();
        var random = new Random(1);
        var found = 0;
        for (var lookup = 0; lookup < 1000; lookup++)
        {
            found += journal.Get(random.NextInt64(1, 10_001)) is null ? 0 : 1;
        }
        var lookups = Stopwatch.GetElapsedTime(start);
        journal.Dispose();
        var bytes = Directory.GetFiles(directory).Sum(file => new FileInfo(file).Length);
        Console.WriteLine($"{engine}: 10,000 events in batches of 100: {write.TotalMilliseconds:F0} ms; read all {all}: {readAll.TotalMilliseconds:F0} ms; " +
            $"1,000 lookups by seq ({found} found): {lookups.TotalMilliseconds:F0} ms; files {bytes / 1024} KiB");
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}
return 0;

internal sealed record Event(long Seq, DateTime OccurredAt, string Door, string Reason, string PersonId, string Payload)
{
    public static Event Make(long seq) => new(seq, DateTime.UnixEpoch.AddSeconds(1_800_000_000 + seq), "main-gate", seq % 7 == 0 ? "DENIED_UNKNOWN" : "GRANTED_FACE",
        $"person-{seq % 500:D4}", new string('x', 200));
}

internal interface IJournal : IDisposable
{
    /// <summary>Appends the events in one transaction, committed (durable) on return.</summary>
    void Append(IReadOnlyList<Event> events);

    int ReadAfter(long seq);

    Event? Get(long seq);
}

internal sealed class LiteJournal : IJournal
{
    private readonly LiteDatabase database;
    private readonly ILiteCollection<Event> events;

    public LiteJournal(string directory)
    {
        BsonMapper.Global.Entity<Event>().Id(item => item.Seq, autoId: false);
        database = new LiteDatabase($"Filename={Path.Combine(directory, "journal.db")};Connection=direct");
        events = database.GetCollection<Event>("events");
    }

    public void Append(IReadOnlyList<Event> items)
    {
        // LiteDB commits each Insert call in its own transaction.
        events.Insert(items);
    }

    public int ReadAfter(long seq) => events.Find(item => item.Seq > seq).Count();

    public Event? Get(long seq) => events.FindById(seq);

    public void Dispose() => database.Dispose();
}

internal sealed class SqliteJournal : IJournal
{
    private readonly SqliteConnection connection;

    public SqliteJournal(string directory)
    {
        connection = new SqliteConnection($"Data Source={Path.Combine(directory, "journal.db")};Pooling=False");
        connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, occurred_at TEXT NOT NULL, door TEXT NOT NULL, reason TEXT NOT NULL, person_id TEXT, payload TEXT NOT NULL)");
    }

    public void Append(IReadOnlyList<Event> items)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO events VALUES ($seq, $at, $door, $reason, $person, $payload)";
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        var door = insert.Parameters.Add("$door", SqliteType.Text);
        var reason = insert.Parameters.Add("$reason", SqliteType.Text);
        var person = insert.Parameters.Add("$person", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Text);
        foreach (var item in items)
        {
            seq.Value = item.Seq;
            at.Value = item.OccurredAt.ToString("O");
            door.Value = item.Door;
            reason.Value = item.Reason;
            person.Value = item.PersonId;
            payload.Value = item.Payload;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public int ReadAfter(long seq)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, occurred_at, door, reason, person_id, payload FROM events WHERE seq > $seq ORDER BY seq";
        command.Parameters.AddWithValue("$seq", seq);
        using var reader = command.ExecuteReader();
        var read = 0;
        while (reader.Read())
        {
            _ = new Event(reader.GetInt64(0), DateTime.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
            read++;
        }
        return read;
    }

    public Event? Get(long seq)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, occurred_at, door, reason, person_id, payload FROM events WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", seq);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Event(reader.GetInt64(0), DateTime.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5))
            : null;
    }

    public void Dispose() => connection.Dispose();

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
