using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage;

/// <summary>The single writer's connection and open transaction, handed to one unit of work.</summary>
internal sealed class WriteContext
{
    private List<Action>? afterCommit;

    public WriteContext(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now, Action<long> personVersionCommitted)
    {
        Connection = connection;
        Transaction = transaction;
        Now = StoredTime.Truncate(now);
        PersonVersionCommitted = personVersionCommitted;
    }

    /// <summary>Tells the person store that a version was handed out, once it is committed.</summary>
    public Action<long> PersonVersionCommitted { get; }

    public SqliteConnection Connection { get; }

    public SqliteTransaction Transaction { get; }

    /// <summary>The time of this write, read once from the database's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Runs <paramref name="action"/> after the commit succeeded, still inside the writer lock.</summary>
    public void AfterCommit(Action action) => (afterCommit ??= []).Add(action);

    public SqliteCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    internal void RunAfterCommit()
    {
        if (afterCommit is null)
        {
            return;
        }
        foreach (var action in afterCommit)
        {
            action();
        }
    }
}
