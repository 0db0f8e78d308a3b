using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage;

/// <summary>The single writer's connection and open transaction, handed to one unit of work.</summary>
internal sealed class WriteContext
{
    private List<Action>? afterCommit;

    public WriteContext(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
    {
        Connection = connection;
        Transaction = transaction;
        Now = StoredTime.Truncate(now);
    }

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
