using System.Text.Json.Nodes;
using EdgeGate.Gateway.Api;

namespace EdgeGate.Gateway.Uplink.Commands;

/// <summary>
/// <c>unlock</c>: remote unlock of one door through the access policy (<see cref="IRemoteUnlock"/>:
/// journaled as GRANTED_REMOTE). Applied at most once per id, so a command delivered again days later
/// cannot open the door; <c>expiresAt</c> bounds it further.
/// </summary>
public sealed class UnlockCommandHandler(IRemoteUnlock? remoteUnlock = null) : IPlatformCommandHandler
{
    public string Name => "unlock";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body, "door", "requestedBy", "reason");
        var door = CommandFields.RequiredString(command.Body, "door", 64, UplinkTopics.IsValidId, "may hold letters, digits, '-' and '_'");
        var requestedBy = CommandFields.OptionalString(command.Body, "requestedBy", 128) ?? "platform";
        var reason = CommandFields.OptionalString(command.Body, "reason", 200) ?? $"platform command {command.Id}";
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
