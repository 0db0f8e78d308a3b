using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Storage;
using EdgeGate.Storage.Commands;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Uplink.Commands;

/// <summary>
/// Turns one raw command message into one answer for <c>cmd-result</c>: size limit, JSON (bounded
/// depth), schema version, id, known name, then at most once through the command log (a repeated id is
/// answered with the stored result and <c>"replay": true</c>). Never throws for bad input.
/// </summary>
public sealed partial class PlatformCommandDispatcher
{
    private const int MaximumDepth = 16;

    private readonly Dictionary<string, IPlatformCommandHandler> handlers;
    private readonly CommandLog commandLog;
    private readonly int maximumBytes;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<PlatformCommandDispatcher> logger;

    public PlatformCommandDispatcher(
        IEnumerable<IPlatformCommandHandler> handlers,
        EdgeGateDatabase database,
        int maximumBytes,
        TimeProvider timeProvider,
        ILogger<PlatformCommandDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(database);
        this.handlers = new Dictionary<string, IPlatformCommandHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!this.handlers.TryAdd(handler.Name, handler))
            {
                throw new ArgumentException($"two handlers for command '{handler.Name}'", nameof(handlers));
            }
        }
        commandLog = database.Commands;
        this.maximumBytes = maximumBytes;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    public IReadOnlyCollection<string> CommandNames => handlers.Keys;

    /// <summary>The answer payload for a command received on <c>cmd/&lt;name&gt;</c>.</summary>
    public async Task<byte[]> DispatchAsync(string name, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var safeName = CommandFields.Shorten(name);
        if (payload.Length > maximumBytes)
        {
            return Answer(null, safeName, PlatformCommandResult.Error(CommandErrorCodes.TooLarge,
                $"the command holds {payload.Length} bytes, at most {maximumBytes} are accepted"), replay: false);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = MaximumDepth });
        }
        catch (JsonException exception)
        {
            return Answer(null, safeName, PlatformCommandResult.Error(CommandErrorCodes.MalformedJson,
                $"not valid JSON: {CommandFields.Shorten(exception.Message)}"), replay: false);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Answer(null, safeName, PlatformCommandResult.Error(CommandErrorCodes.MalformedJson,
                    $"the command must be a JSON object, not {CommandFields.Describe(root.ValueKind)}"), replay: false);
            }
            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            if (id is null || !CommandFields.IsIdentifier(id))
            {
                return Answer(null, safeName, PlatformCommandResult.Error(CommandErrorCodes.InvalidId,
                    "id: required, 1-128 characters of letters, digits, '.', ':', '-' and '_'"), replay: false);
            }
            if (!root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var v) || v != UplinkMessages.SchemaVersion)
            {
                return Answer(id, safeName, PlatformCommandResult.Error(CommandErrorCodes.UnsupportedVersion,
                    $"v: this gateway speaks schema version {UplinkMessages.SchemaVersion}"), replay: false);
            }
            if (!handlers.TryGetValue(name, out var handler))
            {
                return Answer(id, safeName, PlatformCommandResult.Error(CommandErrorCodes.UnknownCommand,
                    $"unknown command '{safeName}' (known: {string.Join(", ", handlers.Keys.Order(StringComparer.Ordinal))})"), replay: false);
            }

            var begin = await commandLog.TryBeginCommandAsync(id, name, cancellationToken).ConfigureAwait(false);
            if (begin.Status == CommandBeginStatus.Completed && begin.ResultJson is { } stored)
            {
                LogReplay(logger, id, name);
                return Replay(stored);
            }

            // Begun before but never answered: the gateway stopped (or its storage failed) while applying
            // it. Running it again could apply it twice (an unlock would open the door again).
            var result = begin.Status == CommandBeginStatus.Incomplete
                ? PlatformCommandResult.Error(CommandErrorCodes.Interrupted,
                    $"this id was received at {UplinkMessages.Timestamp(begin.ReceivedAt)} and interrupted before it was answered; it is not applied again: check the gateway's state and send a new id if still wanted")
                : await RunAsync(handler, new PlatformCommand(id, name, root, timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            var answer = Answer(id, name, result, replay: false);
            await commandLog.CompleteAsync(id, System.Text.Encoding.UTF8.GetString(answer), cancellationToken).ConfigureAwait(false);
            if (result.Ok)
            {
                LogApplied(logger, id, name);
            }
            else
            {
                LogRefused(logger, id, name, result.Code ?? "", result.Message ?? "");
            }
            return answer;
        }
    }

    /// <summary>The answer sent at once when the command queue is full (nothing was recorded or applied).</summary>
    public static byte[] BusyAnswer(string name, ReadOnlyMemory<byte> payload)
    {
        string? id = null;
        if (payload.Length <= 64 * 1024)
        {
            try
            {
                using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = MaximumDepth });
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("id", out var element) && element.ValueKind == JsonValueKind.String
                    && CommandFields.IsIdentifier(element.GetString()!))
                {
                    id = element.GetString();
                }
            }
            catch (JsonException)
            {
                // No id to echo.
            }
        }
        return Answer(id, CommandFields.Shorten(name), PlatformCommandResult.Error(CommandErrorCodes.Busy,
            "too many commands waiting; nothing was applied, send it again later"), replay: false);
    }

    private async Task<PlatformCommandResult> RunAsync(IPlatformCommandHandler handler, PlatformCommand command, CancellationToken cancellationToken)
    {
        try
        {
            if (CommandFields.OptionalTimestamp(command.Body, "expiresAt") is { } expiresAt && expiresAt < command.ReceivedAt)
            {
                return PlatformCommandResult.Error(CommandErrorCodes.Expired,
                    $"expiresAt: the command expired at {UplinkMessages.Timestamp(expiresAt)}, received at {UplinkMessages.Timestamp(command.ReceivedAt)}");
            }
            return await handler.HandleAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandRejectedException rejected)
        {
            return PlatformCommandResult.Error(rejected.Code, rejected.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogHandlerFailed(logger, exception, command.Id, command.Name);
            return PlatformCommandResult.Error(CommandErrorCodes.InternalError, $"{exception.GetType().Name}: {CommandFields.Shorten(exception.Message)}");
        }
    }

    private static byte[] Answer(string? id, string name, PlatformCommandResult result, bool replay) => UplinkMessages.Write(writer =>
    {
        writer.WriteNumber("v", UplinkMessages.SchemaVersion);
        if (id is null)
        {
            writer.WriteNull("id");
        }
        else
        {
            writer.WriteString("id", id);
        }
        writer.WriteString("command", name);
        writer.WriteBoolean("ok", result.Ok);
        if (!result.Ok)
        {
            writer.WriteString("code", result.Code);
            writer.WriteString("message", result.Message);
        }
        if (result.Data is { } data)
        {
            writer.WritePropertyName("data");
            data.WriteTo(writer);
        }
        writer.WriteBoolean("replay", replay);
    });

    private static byte[] Replay(string stored)
    {
        var node = JsonNode.Parse(stored)?.AsObject() ?? throw new StorageException("a stored command result is not a JSON object");
        node["replay"] = true;
        var buffer = new ArrayBufferWriter<byte>(stored.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(EventId = 8040, Level = LogLevel.Information, Message = "Command {CommandId} ({Command}) applied")]
    private static partial void LogApplied(ILogger logger, string commandId, string command);

    [LoggerMessage(EventId = 8041, Level = LogLevel.Information, Message = "Command {CommandId} ({Command}) refused: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string commandId, string command, string code, string reason);

    [LoggerMessage(EventId = 8042, Level = LogLevel.Debug, Message = "Command {CommandId} ({Command}) seen before: answered from the command log")]
    private static partial void LogReplay(ILogger logger, string commandId, string command);

    [LoggerMessage(EventId = 8043, Level = LogLevel.Error, Message = "Command {CommandId} ({Command}) failed inside its handler")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string commandId, string command);
}
