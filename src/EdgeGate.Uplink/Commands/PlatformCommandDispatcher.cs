using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using EdgeGate.Storage;
using EdgeGate.Storage.Commands;
using EdgeGate.Storage.Journal;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Uplink.Commands;

/// <summary>
/// Turns one raw command message into one answer for <c>cmd-result</c>: never a retained delivery, size
/// limit, JSON (UTF-8, bounded depth, no duplicate fields), schema version, id, known name, then at most
/// once through the command log (a repeated id is answered with the stored result and
/// <c>"replay": true</c>). Bad input gets a documented error code and a warning in the log, never an
/// exception or <c>internal_error</c>.
/// </summary>
public sealed partial class PlatformCommandDispatcher
{
    /// <summary>Journal type of the alert raised when a command arrives retained.</summary>
    public const string RetainedCommandAlertType = "retained_command";

    private const int MaximumDepth = 16;

    /// <summary>Distinct retained messages remembered (alerted once each); forgotten all at once beyond this.</summary>
    private const int MaximumRetainedRemembered = 1024;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaximumDepth, AllowDuplicateProperties = false };

    private readonly Dictionary<string, IPlatformCommandHandler> handlers;
    private readonly CommandLog commandLog;
    private readonly EventJournal journal;
    private readonly HashSet<string> retainedSeen = new(StringComparer.Ordinal);
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
        journal = database.Journal;
        this.maximumBytes = maximumBytes;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    public IReadOnlyCollection<string> CommandNames => handlers.Keys;

    /// <summary>The answer payload for a command received on <c>cmd/&lt;name&gt;</c> (delivered live, not retained).</summary>
    public Task<byte[]> DispatchAsync(string name, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        DispatchAsync(name, payload, retained: false, cancellationToken);

    /// <summary>
    /// The answer payload for a command received on <c>cmd/&lt;name&gt;</c>. A delivery with the retain
    /// flag (left on the broker) is never applied: it is answered <c>retained</c> and journaled as a
    /// <see cref="RetainedCommandAlertType"/> alert, whatever its id or expiry.
    /// </summary>
    public async Task<byte[]> DispatchAsync(string name, ReadOnlyMemory<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        var safeName = CommandFields.Shorten(name);
        if (retained)
        {
            return await RefuseRetainedAsync(safeName, payload, cancellationToken).ConfigureAwait(false);
        }
        if (payload.Length > maximumBytes)
        {
            return Refuse(null, safeName, CommandErrorCodes.TooLarge, $"the command holds {payload.Length} bytes, at most {maximumBytes} are accepted");
        }
        if (!TryParse(payload, out var document, out var problem))
        {
            return Refuse(null, safeName, CommandErrorCodes.MalformedJson, problem);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Refuse(null, safeName, CommandErrorCodes.MalformedJson, $"the command must be a JSON object, not {CommandFields.Describe(root.ValueKind)}");
            }
            var id = ReadId(root);
            if (InvalidUtf8Offset(payload.Span) is { } offset)
            {
                return Refuse(id, safeName, CommandErrorCodes.MalformedJson, $"not valid JSON: the bytes are not UTF-8 (at byte {offset})");
            }
            if (id is null)
            {
                return Refuse(null, safeName, CommandErrorCodes.InvalidId, "id: required, 1-128 characters of letters, digits, '.', ':', '-' and '_'");
            }
            if (!root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var v) || v != UplinkMessages.SchemaVersion)
            {
                return Refuse(id, safeName, CommandErrorCodes.UnsupportedVersion, $"v: this gateway speaks schema version {UplinkMessages.SchemaVersion}");
            }
            if (!handlers.TryGetValue(name, out var handler))
            {
                return Refuse(id, safeName, CommandErrorCodes.UnknownCommand,
                    $"unknown command '{safeName}' (known: {string.Join(", ", handlers.Keys.Order(StringComparer.Ordinal))})");
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
            else if (CommandErrorCodes.IsBadInput(result.Code ?? ""))
            {
                LogBadInput(logger, id, name, result.Code ?? "", result.Message ?? "");
            }
            else
            {
                LogRefused(logger, id, name, result.Code ?? "", result.Message ?? "");
            }
            return answer;
        }
    }

    /// <summary>The answer sent at once when the command queue is full (nothing was recorded or applied).</summary>
    public static byte[] BusyAnswer(string name, ReadOnlyMemory<byte> payload) =>
        Answer(ReadId(payload, 64 * 1024), CommandFields.Shorten(name), PlatformCommandResult.Error(CommandErrorCodes.Busy,
            "too many commands waiting; nothing was applied, send it again later"), replay: false);

    /// <summary>
    /// A retained delivery: answered <c>retained</c> every time it comes (each reconnection while it stays
    /// on the broker), journaled as an alert once per distinct message while the gateway runs.
    /// </summary>
    private async Task<byte[]> RefuseRetainedAsync(string safeName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var id = ReadId(payload, maximumBytes);
        LogRetained(logger, id ?? "(none)", safeName, payload.Length);
        bool first;
        lock (retainedSeen)
        {
            if (retainedSeen.Count >= MaximumRetainedRemembered)
            {
                retainedSeen.Clear();
            }
            first = retainedSeen.Add(safeName + "\n" + Convert.ToHexString(SHA256.HashData(payload.Span)));
        }
        if (first)
        {
            var alert = UplinkMessages.Write(writer =>
            {
                writer.WriteNumber("schema", 1);
                writer.WriteString("command", safeName);
                if (id is null)
                {
                    writer.WriteNull("id");
                }
                else
                {
                    writer.WriteString("id", id);
                }
                writer.WriteNumber("bytes", payload.Length);
            });
            try
            {
                var seq = await journal.AppendAsync(new JournalDraft(JournalLane.Alert, RetainedCommandAlertType, timeProvider.GetUtcNow(),
                    System.Text.Encoding.UTF8.GetString(alert)), cancellationToken).ConfigureAwait(false);
                LogRetainedAlert(logger, seq);
            }
            catch (StorageException exception)
            {
                // The refusal stands; the platform still gets its answer.
                LogRetainedAlertFailed(logger, exception);
            }
        }
        return Answer(id, safeName, PlatformCommandResult.Error(CommandErrorCodes.Retained,
            "the command was delivered as a retained message (left on the broker) and is never applied: clear it (an empty retained message on the topic) and send the command again, not retained"),
            replay: false);
    }

    private byte[] Refuse(string? id, string safeName, string code, string message)
    {
        LogBadInput(logger, id ?? "(none)", safeName, code, message);
        return Answer(id, safeName, PlatformCommandResult.Error(code, message), replay: false);
    }

    private static bool TryParse(ReadOnlyMemory<byte> payload, [NotNullWhen(true)] out JsonDocument? document, out string problem)
    {
        try
        {
            document = JsonDocument.Parse(payload, ParseOptions);
            problem = "";
            return true;
        }
        catch (JsonException exception)
        {
            document = null;
            problem = $"not valid JSON: {CommandFields.Shorten(exception.Message)}";
            return false;
        }
        catch (InvalidOperationException)
        {
            // Thrown by the duplicate-field check when a field name's escape is half a surrogate pair.
            document = null;
            problem = "not valid JSON: a field name holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff)";
            return false;
        }
    }

    /// <summary>The command's id when it has a valid one, else null; never throws.</summary>
    private static string? ReadId(ReadOnlyMemory<byte> payload, int maximumBytes)
    {
        if (payload.Length > maximumBytes || !TryParse(payload, out var document, out _))
        {
            return null;
        }
        using (document)
        {
            return document.RootElement.ValueKind == JsonValueKind.Object ? ReadId(document.RootElement) : null;
        }
    }

    private static string? ReadId(JsonElement root)
    {
        if (!root.TryGetProperty("id", out var element) || element.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        try
        {
            var id = element.GetString()!;
            return CommandFields.IsIdentifier(id) ? id : null;
        }
        catch (InvalidOperationException)
        {
            // Not text (invalid UTF-8 or an unpaired surrogate escape): no id to echo.
            return null;
        }
    }

    /// <summary>The offset of the first byte that is not part of a UTF-8 sequence, or null when all are.</summary>
    private static int? InvalidUtf8Offset(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }
        var offset = 0;
        while (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }
        return offset;
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

    [LoggerMessage(EventId = 8044, Level = LogLevel.Warning, Message = "Command {CommandId} ({Command}) refused as sent: {Code} {Reason}")]
    private static partial void LogBadInput(ILogger logger, string commandId, string command, string code, string reason);

    [LoggerMessage(EventId = 8045, Level = LogLevel.Warning, Message = "Command {CommandId} ({Command}, {Bytes} bytes) was delivered retained (left on the broker): refused, not applied. The platform must clear the retained message")]
    private static partial void LogRetained(ILogger logger, string commandId, string command, int bytes);

    [LoggerMessage(EventId = 8046, Level = LogLevel.Information, Message = "Retained command alert journaled as seq {Seq}")]
    private static partial void LogRetainedAlert(ILogger logger, long seq);

    [LoggerMessage(EventId = 8047, Level = LogLevel.Error, Message = "The retained command alert could not be journaled")]
    private static partial void LogRetainedAlertFailed(ILogger logger, Exception exception);
}
