using System.Text.Json.Nodes;
using EdgeGate.Access;

namespace EdgeGate.Uplink.Commands;

/// <summary>
/// <c>unlock</c>: remote unlock of one door through the access policy (<see cref="IRemoteUnlock"/>:
/// journaled as GRANTED_REMOTE). Applied at most once per id, and only with an <c>expiresAt</c> no
/// further ahead than <see cref="MaximumLifetime"/>: a command held back somewhere (a queue, a broker,
/// an intruder's replay with a new id) cannot open the door later.
/// </summary>
public sealed class UnlockCommandHandler(IRemoteUnlock? remoteUnlock = null, TimeSpan? maximumLifetime = null) : IPlatformCommandHandler
{
    /// <summary>How far after its arrival an unlock may expire, unless configured (<c>Uplink:UnlockMaximumLifetime</c>).</summary>
    public static readonly TimeSpan DefaultMaximumLifetime = TimeSpan.FromSeconds(60);

    public string Name => "unlock";

    public TimeSpan MaximumLifetime { get; } = maximumLifetime ?? DefaultMaximumLifetime;

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body, "door", "requestedBy", "reason");
        var door = CommandFields.RequiredString(command.Body, "door", 64, UplinkTopics.IsValidId, "may hold letters, digits, '-' and '_'");
        var requestedBy = CommandFields.OptionalString(command.Body, "requestedBy", 128) ?? "platform";
        var reason = CommandFields.OptionalString(command.Body, "reason", 200) ?? $"platform command {command.Id}";
        // The dispatcher has refused an expiresAt in the past (expired).
        if (CommandFields.OptionalTimestamp(command.Body, "expiresAt") is not { } expiresAt)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.ExpiresRequired,
                $"expiresAt: required for unlock, at most {MaximumLifetime.TotalSeconds:0} s after the gateway receives it (gateway time {UplinkMessages.Timestamp(command.ReceivedAt)})");
        }
        if (expiresAt - command.ReceivedAt > MaximumLifetime)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.ExpiresTooFar,
                $"expiresAt: {UplinkMessages.Timestamp(expiresAt)} is more than {MaximumLifetime.TotalSeconds:0} s after the gateway received the command at {UplinkMessages.Timestamp(command.ReceivedAt)} (check both clocks)");
        }
        if (remoteUnlock is null)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.Unavailable, "remote unlock is not available on this gateway (no door service)");
        }
        var result = await remoteUnlock.RequestAsync(door, requestedBy, reason, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            RemoteUnlockStatus.Unlocked => PlatformCommandResult.Success(new JsonObject { ["door"] = door, ["message"] = result.Message }),
            RemoteUnlockStatus.UnknownDoor => PlatformCommandResult.Error(CommandErrorCodes.NotFound, $"door: {result.Message}"),
            RemoteUnlockStatus.Denied => PlatformCommandResult.Error(CommandErrorCodes.Conflict, result.Message),
            _ => PlatformCommandResult.Error(CommandErrorCodes.DeviceFailed, result.Message),
        };
    }
}

/// <summary>
/// <c>config_reload</c>: re-reads and validates the configuration file; what can change while running
/// is applied (<c>data.applied</c>), other changed sections are named in <c>data.restartRequired</c>.
/// </summary>
public sealed class ConfigReloadCommandHandler(IConfigurationReloader? reloader = null) : IPlatformCommandHandler
{
    public string Name => "config_reload";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body);
        if (reloader is null)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.Unavailable, "this gateway was not started from a configuration file");
        }
        var result = await reloader.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (result.Problems.Count == 0)
        {
            return PlatformCommandResult.Success(new JsonObject
            {
                ["applied"] = Array(result.Applied),
                ["restartRequired"] = Array(result.RestartRequired),
            });
        }
        return PlatformCommandResult.Error(CommandErrorCodes.InvalidField,
            $"the configuration has {result.Problems.Count} problem(s); the running one is kept", new JsonObject { ["problems"] = Array(result.Problems.Take(50)) });
    }

    private static JsonArray Array(IEnumerable<string> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }
        return array;
    }
}
