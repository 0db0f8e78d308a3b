using System.Text.Json.Nodes;

namespace EdgeGate.Gateway.Uplink.Commands;

/// <summary>
/// <c>unlock</c>: remote unlock of one door through the decision stage. Applied at most once per id, so
/// a command delivered again days later cannot open the door; <c>expiresAt</c> bounds it further.
/// </summary>
public sealed class UnlockCommandHandler(IRemoteDoorOpener? opener = null) : IPlatformCommandHandler
{
    public string Name => "unlock";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body, "door", "durationSeconds", "requestedBy");
        var door = CommandFields.RequiredString(command.Body, "door", 64, UplinkTopics.IsValidId, "may hold letters, digits, '-' and '_'");
        var seconds = CommandFields.OptionalInteger(command.Body, "durationSeconds", 1, 60);
        var requestedBy = CommandFields.OptionalString(command.Body, "requestedBy", 128);
        if (opener is null)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.Unavailable, "remote unlock is not available on this gateway (no door service)");
        }
        var outcome = await opener.UnlockAsync(
            new RemoteUnlockRequest(door, seconds is { } s ? TimeSpan.FromSeconds(s) : null, command.Id, requestedBy), cancellationToken).ConfigureAwait(false);
        if (outcome is null)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.NotFound, $"door: no door named '{door}'");
        }
        return outcome.IsDone
            ? PlatformCommandResult.Success(new JsonObject { ["door"] = door, ["device"] = outcome.Describe() })
            : PlatformCommandResult.Error(CommandErrorCodes.DeviceFailed, $"door '{door}': {outcome.Describe()}");
    }
}

/// <summary><c>config_reload</c>: re-reads and validates the configuration file.</summary>
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
        var problems = await reloader.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (problems.Count == 0)
        {
            return PlatformCommandResult.Success();
        }
        var list = new JsonArray();
        foreach (var problem in problems.Take(50))
        {
            list.Add(problem);
        }
        return PlatformCommandResult.Error(CommandErrorCodes.InvalidField, $"the configuration has {problems.Count} problem(s); the running one is kept", new JsonObject { ["problems"] = list });
    }
}
