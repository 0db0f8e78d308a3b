using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeGate.Uplink.Commands;

/// <summary>
/// One platform command (topic <c>cmd/&lt;Name&gt;</c>). The dispatcher has already checked size, JSON
/// (UTF-8, no duplicate fields, bounded depth), schema version, id and expiry, and guarantees the
/// handler runs at most once per id (command log); the handler validates its own fields through
/// <see cref="CommandFields"/> (reject unknown ones) and applies the change.
/// </summary>
public interface IPlatformCommandHandler
{
    /// <summary>The command name in the topic, e.g. <c>enrol</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Validates and applies the command. Invalid fields and refused changes come back as
    /// <see cref="PlatformCommandResult.Error"/> (or by throwing <see cref="CommandRejectedException"/>);
    /// other exceptions are answered as <c>internal_error</c>.
    /// </summary>
    Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken);
}

/// <summary>A received command: its id, name and the whole JSON object (alive during the call only).</summary>
public sealed record PlatformCommand(string Id, string Name, JsonElement Body, DateTimeOffset ReceivedAt);

/// <summary>How a command ended: ok with optional data, or an error code and a precise message.</summary>
public sealed record PlatformCommandResult(bool Ok, string? Code, string? Message, JsonObject? Data)
{
    public static PlatformCommandResult Success(JsonObject? data = null) => new(true, null, null, data);

    public static PlatformCommandResult Error(string code, string message, JsonObject? data = null) => new(false, code, message, data);
}

/// <summary>Thrown by field validation inside a handler; answered as an error, never logged as a failure.</summary>
public sealed class CommandRejectedException : Exception
{
    public CommandRejectedException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public string Code { get; }
}

/// <summary>The error codes of cmd-result (docs/protocol.md).</summary>
public static class CommandErrorCodes
{
    public const string Retained = "retained";
    public const string TooLarge = "too_large";
    public const string MalformedJson = "malformed_json";
    public const string UnsupportedVersion = "unsupported_version";
    public const string InvalidId = "invalid_id";
    public const string UnknownCommand = "unknown_command";
    public const string InvalidField = "invalid_field";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string Busy = "busy";
    public const string Unavailable = "unavailable";
    public const string Expired = "expired";
    public const string ExpiresRequired = "expires_required";
    public const string ExpiresTooFar = "expires_too_far";
    public const string VersionGap = "version_gap";
    public const string DeviceFailed = "device_failed";
    public const string Interrupted = "interrupted";
    public const string InternalError = "internal_error";

    /// <summary>Face data (templates or photos) for a person without recorded consent: nothing was stored.</summary>
    public const string ConsentRequired = "consent_required";

    /// <summary>
    /// Codes that say the command itself was malformed or not allowed as sent (logged as warnings);
    /// the others are outcomes of a well-formed command (not found, conflict, expired, …) or faults.
    /// </summary>
    public static bool IsBadInput(string code) => code is Retained or TooLarge or MalformedJson or UnsupportedVersion or InvalidId
        or UnknownCommand or InvalidField or ExpiresRequired or ExpiresTooFar;
}
