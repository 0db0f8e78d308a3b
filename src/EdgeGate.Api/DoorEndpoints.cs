using System.Text.RegularExpressions;
using EdgeGate.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Api;

/// <summary><c>doors</c> and <c>doors/{name}/unlock</c> (remote unlock, confirmed, with a reason).</summary>
internal static partial class DoorEndpoints
{
    public const string DefaultOperator = "local-console";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("doors", (AdminApiContext context) => TypedResults.Json(context.Doors, AdminApiJson.Options));
        api.MapPost("doors/{name}/unlock", UnlockAsync);
    }

    private static async Task<IResult> UnlockAsync(
        string name,
        HttpRequest request,
        [FromServices] AdminApiContext context,
        [FromServices] IRemoteUnlock? remoteUnlock,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<UnlockRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        if (body!.Confirm != true)
        {
            return ApiResults.BadRequest("a remote unlock opens the door for anyone standing there; confirm by sending \"confirm\": true");
        }
        var reason = body.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 200)
        {
            return ApiResults.BadRequest("give a reason of 1-200 characters; it goes into the journal");
        }
        var operatorId = string.IsNullOrWhiteSpace(body.Operator) ? DefaultOperator : body.Operator.Trim();
        if (!OperatorPattern().IsMatch(operatorId))
        {
            return ApiResults.BadRequest("operator may hold letters, digits, '.', '-', '_' and '@' (1-64)");
        }
        if (context.FindDoor(name) is not { } door)
        {
            return ApiResults.NotFound($"no door named '{name}'");
        }
        if (remoteUnlock is null)
        {
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "unavailable", "remote unlock is not available on this host (the door stage is not running)");
        }
        var result = await remoteUnlock.RequestAsync(door.Name, operatorId, reason, cancellationToken).ConfigureAwait(false);
        AdminApiLog.RemoteUnlock(logger, door.Name, operatorId, result.Status, reason);
        var view = new UnlockView(result.Status.ToString(), result.Message, result.Decision is null ? null : DecisionView.From(result.Decision));
        return result.Status switch
        {
            RemoteUnlockStatus.Unlocked => TypedResults.Json(view, AdminApiJson.Options),
            RemoteUnlockStatus.Denied => ApiResults.Conflict(result.Message),
            RemoteUnlockStatus.UnknownDoor => ApiResults.NotFound($"no door named '{name}'"),
            _ => ApiResults.Error(StatusCodes.Status502BadGateway, "door_not_responding", result.Message),
        };
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex OperatorPattern();
}
