namespace EdgeGate.Storage.Commands;

public enum CommandBeginStatus
{
    /// <summary>First time this id is seen: run the command, then <see cref="CommandLog.CompleteAsync"/>.</summary>
    Started,
    /// <summary>Already applied: answer with <see cref="CommandBeginResult.ResultJson"/>, do not run again.</summary>
    Completed,
    /// <summary>
    /// Seen before but never completed (the gateway stopped while applying it). It may have been
    /// applied in part or in full: do not run it again; complete it with an answer that says so.
    /// </summary>
    Incomplete,
}

public sealed record CommandBeginResult(CommandBeginStatus Status, DateTimeOffset ReceivedAt, string? ResultJson);

/// <summary>
/// Idempotency for platform commands (enrol, deregister, renew, revoke, unlock): each command id is
/// applied once and its stored result answers every redelivery.
/// </summary>
public sealed class CommandLog
{
    private readonly EdgeGateDatabase database;

    internal CommandLog(EdgeGateDatabase database)
    {
        this.database = database;
    }

    /// <summary>Records the command id if new; if seen before, returns its stored result.</summary>
    public Task<CommandBeginResult> TryBeginCommandAsync(string commandId, string kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandId);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        return database.WriteAsync(context =>
        {
            using (var find = context.Command("SELECT received_at, result FROM command_log WHERE command_id = $id").With("$id", commandId))
            using (var reader = find.ExecuteReader())
            {
                if (reader.Read())
                {
                    var receivedAt = StoredTime.FromStored(reader.GetInt64(0));
                    var result = reader.GetStringOrNull(1);
                    return new CommandBeginResult(
                        result is null ? CommandBeginStatus.Incomplete : CommandBeginStatus.Completed, receivedAt, result);
                }
            }
            context.Command("INSERT INTO command_log (command_id, kind, received_at) VALUES ($id, $kind, $now)")
                .With("$id", commandId)
                .With("$kind", kind)
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute();
            return new CommandBeginResult(CommandBeginStatus.Started, context.Now, null);
        }, cancellationToken);
    }

    /// <summary>Stores the command's result (JSON); false when the id was never begun.</summary>
    public Task<bool> CompleteAsync(string commandId, string resultJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandId);
        ArgumentNullException.ThrowIfNull(resultJson);
        return database.WriteAsync(
            context => context.Command("UPDATE command_log SET result = $result, completed_at = $now WHERE command_id = $id")
                .With("$id", commandId)
                .With("$result", resultJson)
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute() == 1,
            cancellationToken);
    }

    /// <summary>Forgets completed commands received before <paramref name="before"/>; returns how many.</summary>
    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            context => context.Command("DELETE FROM command_log WHERE received_at < $before AND result IS NOT NULL")
                .With("$before", StoredTime.ToStored(before))
                .Execute(),
            cancellationToken);
}
