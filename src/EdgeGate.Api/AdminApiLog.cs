using EdgeGate.Access;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Api;

/// <summary>Log messages of the local API (event ids 7000-7099).</summary>
internal static partial class AdminApiLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Local API listening on {Addresses}")]
    public static partial void Listening(ILogger logger, string addresses);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Local API is bound to {Url}, which is not a loopback address: anyone who can reach it and holds the token can open doors")]
    public static partial void NotLoopback(ILogger logger, string url);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Local API request without a valid token: {Method} {Path}")]
    public static partial void Unauthorized(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Local API request failed: {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Local API request could not be read: {Method} {Path} answered {Status}: {Reason}")]
    public static partial void UnreadableRequest(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Local API client went away during {Method} {Path} ({What})")]
    public static partial void ClientGone(ILogger logger, string method, string path, string what);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Remote unlock of door {Door} by {Operator} from the local API: {Status} ({Reason})")]
    public static partial void RemoteUnlock(ILogger logger, string door, string @operator, RemoteUnlockStatus status, string reason);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Person {PersonId} deregistered from the local API: {Templates} templates, {Photos} photos deleted, {Cards} cards revoked")]
    public static partial void Deregistered(ILogger logger, string personId, int templates, int photos, int cards);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Information, Message = "Person {PersonId} {Change} from the local API")]
    public static partial void PersonChanged(ILogger logger, string personId, string change);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Information, Message = "Card {Uid} {Change} from the local API")]
    public static partial void CardChanged(ILogger logger, string uid, string change);
}
