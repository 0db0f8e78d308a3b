using EdgeGate.Core.Persons;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Api;

/// <summary><c>cards</c>: list, issue, renew (new last day of validity), revoke.</summary>
internal static class CardEndpoints
{
    public const int MaximumUidLength = 64;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("cards", ListAsync);
        api.MapPost("cards", IssueAsync);
        api.MapPost("cards/{uid}/renew", RenewAsync);
        api.MapPost("cards/{uid}/revoke", RevokeAsync);
    }

    private static async Task<IResult> ListAsync(
        [FromServices] EdgeGateDatabase database,
        [FromServices] TimeProvider timeProvider,
        [FromServices] AdminApiContext context,
        string? person,
        string? status,
        CancellationToken cancellationToken)
    {
        CardStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<CardStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return ApiResults.BadRequest($"status '{status}' is not one of active, revoked");
            }
            wanted = parsed;
        }
        var personId = string.IsNullOrWhiteSpace(person) ? null : person;
        if (personId is not null && await database.Persons.GetAsync(personId, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiResults.NotFound($"no person with id '{personId}'");
        }
        var cards = await database.Cards.ListAsync(personId, wanted, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        return TypedResults.Json(cards.Select(card => CardView.From(card, now, context.SiteTimeZone)).ToArray(), AdminApiJson.Options);
    }

    /// <summary>
    /// Issues a card to an active person, valid to the end of <c>until</c> (site time zone). A revoked
    /// card's number may be issued again; one held active by someone else is 409.
    /// </summary>
    private static async Task<IResult> IssueAsync(
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] AdminApiContext context,
        [FromServices] TimeProvider timeProvider,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<IssueCardRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        var now = timeProvider.GetUtcNow();
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var uid = body!.Uid?.Trim() ?? "";
        if (uid.Length is 0 or > MaximumUidLength || uid.Any(char.IsControl) || uid.Any(char.IsWhiteSpace))
        {
            problems["uid"] = $"the card number as the reader reports it (1-{MaximumUidLength} characters, no spaces)";
        }
        var personId = body.Person?.Trim() ?? "";
        if (personId.Length == 0)
        {
            problems["person"] = "the id of the person the card is for";
        }
        var (day, until, invalid) = RenewalDay.Check(body.Until, context, now);
        if (invalid is not null)
        {
            problems["until"] = invalid;
        }
        if (problems.Count > 0)
        {
            return ApiResults.FieldErrors(problems);
        }
        var result = await database.Cards.IssueAsync(uid, personId, until, cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case CardWriteStatus.Applied when result.Card is not null:
                AdminApiLog.CardChanged(logger, result.Card.Uid, $"issued to {personId} until {day:yyyy-MM-dd}");
                return TypedResults.Json(CardView.From(result.Card, now, context.SiteTimeZone), AdminApiJson.Options, statusCode: StatusCodes.Status201Created);
            case CardWriteStatus.PersonNotFound:
                return ApiResults.NotFound($"no person with id '{personId}'");
            case CardWriteStatus.PersonNotActive:
                return ApiResults.Conflict($"person '{personId}' is suspended or moved out: no card is issued");
            case CardWriteStatus.UidInUse:
                return ApiResults.Conflict($"card '{result.Card!.Uid}' is active for another person; revoke it there first");
            default:
                return ApiResults.Conflict($"card '{uid}' could not be issued: {result.Status}");
        }
    }

    private static async Task<IResult> RenewAsync(
        string uid,
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] AdminApiContext context,
        [FromServices] TimeProvider timeProvider,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<RenewCardRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        var now = timeProvider.GetUtcNow();
        var (day, until, invalid) = RenewalDay.Read(body!.Until, context, now);
        if (invalid is not null)
        {
            return invalid;
        }
        var result = await database.Cards.RenewAsync(uid, until, cancellationToken).ConfigureAwait(false);
        if (result.Status == CardWriteStatus.Applied && result.Card is not null)
        {
            AdminApiLog.CardChanged(logger, result.Card.Uid, $"renewed until {day:yyyy-MM-dd}");
        }
        return CardAnswer(result, uid, now, context.SiteTimeZone);
    }

    private static async Task<IResult> RevokeAsync(
        string uid,
        [FromServices] EdgeGateDatabase database,
        [FromServices] AdminApiContext context,
        [FromServices] TimeProvider timeProvider,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var result = await database.Cards.RevokeAsync(uid, cancellationToken).ConfigureAwait(false);
        if (result.Status == CardWriteStatus.Applied && result.Card is not null)
        {
            AdminApiLog.CardChanged(logger, result.Card.Uid, "revoked");
        }
        return CardAnswer(result, uid, timeProvider.GetUtcNow(), context.SiteTimeZone);
    }

    private static IResult CardAnswer(CardWriteResult result, string uid, DateTimeOffset now, TimeZoneInfo siteTimeZone) => result.Status switch
    {
        CardWriteStatus.Applied when result.Card is not null => TypedResults.Json(CardView.From(result.Card, now, siteTimeZone), AdminApiJson.Options),
        CardWriteStatus.CardNotFound => ApiResults.NotFound($"no card '{uid}'"),
        CardWriteStatus.CardRevoked => ApiResults.Conflict($"card '{uid}' is revoked; issue it again instead of renewing"),
        CardWriteStatus.PersonNotActive => ApiResults.Conflict($"the holder of card '{uid}' moved out (deregistered)"),
        CardWriteStatus.PersonNotFound => ApiResults.NotFound($"the holder of card '{uid}' is not known"),
        _ => ApiResults.Conflict($"card '{uid}' could not be changed: {result.Status}"),
    };
}
