namespace EdgeGate.Storage.Sync;

/// <summary>Named positions of sync processes (e.g. the platform's gallery version last applied).</summary>
public sealed class SyncCursorStore
{
    private readonly EdgeGateDatabase database;

    internal SyncCursorStore(EdgeGateDatabase database)
    {
        this.database = database;
    }

    public Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return database.ReadAsync(connection =>
        {
            using var command = connection.Command("SELECT value FROM sync_cursors WHERE name = $name").With("$name", name);
            return command.ExecuteScalar() as string;
        }, cancellationToken);
    }

    public Task SetAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return database.WriteAsync(
            context => context.Command(
                "INSERT INTO sync_cursors (name, value, updated_at) VALUES ($name, $value, $now) " +
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
                .With("$name", name)
                .With("$value", value)
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute(),
            cancellationToken);
    }
}
