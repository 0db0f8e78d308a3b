using EdgeGate.Core.Persons;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Api;

/// <summary><c>persons</c>: list and search, details with cards, renew the stay, suspend, reinstate, deregister (move-out).</summary>
internal static class PersonEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("persons", ListAsync);
        api.MapGet("persons/{id}", GetAsync);
        api.MapPost("persons/{id}/renew", RenewAsync);
        api.MapPost("persons/{id}/suspend", SuspendAsync);
        api.MapPost("persons/{id}/reinstate", ReinstateAsync);
        api.MapPost("persons/{id}/deregister", DeregisterAsync);
    }

    private static async Task<IResult> ListAsync(
        [FromServices] EdgeGateDatabase database,
        string? status,
        string? q,
        string? limit,
        string? offset,
        CancellationToken cancellationToken)
    {
        if (!QueryValues.TryParseInt(limit, 1, AdminApiLimits.MaximumPageSize, out var rows) || !QueryValues.TryParseInt(offset, 0, int.MaxValue, out var skip))
        {
            return ApiResults.BadRequest($"limit must be a number 1-{AdminApiLimits.MaximumPageSize} and offset a number not below 0");
        }
        PersonStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<PersonStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return ApiResults.BadRequest($"status '{status}' is not one of active, suspended, deregistered");
            }
            wanted = parsed;
        }
        if (q is { Length: > 200 })
        {
            return ApiResults.BadRequest("the search text may hold at most 200 characters");
        }
        var persons = await database.Persons.ListAsync(
            new PersonQuery { Status = wanted, SearchText = q, Limit = rows ?? 100, Offset = skip ?? 0 },
            cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(persons.Select(PersonView.From).ToArray(), AdminApiJson.Options);
    }

    private static async Task<IResult> GetAsync(
        string id,
        [FromServices] EdgeGateDatabase database,
        [FromServices] AdminApiContext context,
        [FromServices] TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (await database.Persons.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } person)
        {
            return UnknownPerson(id);
        }
        var cards = await database.Cards.ListAsync(person.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        return TypedResults.Json(
            new PersonDetailView(PersonView.From(person), cards.Select(card => CardView.From(card, now, context.SiteTimeZone)).ToArray()),
            AdminApiJson.Options);
    }

    /// <summary>
    /// Sets the last day of a resident's stay (their validity): "renew at the property office". The
    /// status is kept (a suspended person stays suspended); a deregistered record cannot change.
    /// </summary>
    private static async Task<IResult> RenewAsync(
        string id,
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] AdminApiContext context,
        [FromServices] TimeProvider timeProvider,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<RenewPersonRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        var (day, until, invalid) = RenewalDay.Read(body!.Until, context, timeProvider.GetUtcNow());
        if (invalid is not null)
        {
            return invalid;
        }
        if (await database.Persons.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } person)
        {
            return UnknownPerson(id);
        }
        if (person.Status == PersonStatus.Deregistered)
        {
            return StatusChange(new PersonWriteResult(PersonWriteStatus.Deregistered, person), id, "renewed", logger);
        }
        if (person.ValidFrom is { } from && until < from)
        {
            return ApiResults.BadRequest($"{day:yyyy-MM-dd} is before the start of {person.DisplayName}'s validity");
        }
        // Only if nobody changed the record since it was read: the rest of it is written back as read.
        var result = await database.Persons.UpdateAsync(person with { ValidUntil = until }, person.Version, cancellationToken).ConfigureAwait(false);
        if (result.Status == PersonWriteStatus.VersionConflict)
        {
            return ApiResults.Conflict($"person '{id}' was changed at the same time; load it again and renew once more");
        }
        return StatusChange(result, id, $"renewed until {day:yyyy-MM-dd}", logger);
    }

    private static async Task<IResult> SuspendAsync(
        string id,
        [FromServices] EdgeGateDatabase database,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var result = await database.Persons.SuspendAsync(id, cancellationToken).ConfigureAwait(false);
        return StatusChange(result, id, "suspended", logger);
    }

    private static async Task<IResult> ReinstateAsync(
        string id,
        [FromServices] EdgeGateDatabase database,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var result = await database.Persons.ReinstateAsync(id, cancellationToken).ConfigureAwait(false);
        return StatusChange(result, id, "reinstated", logger);
    }

    private static IResult StatusChange(PersonWriteResult result, string id, string change, ILogger logger)
    {
        switch (result.Status)
        {
            case PersonWriteStatus.Applied or PersonWriteStatus.Unchanged when result.Person is not null:
                if (result.Status == PersonWriteStatus.Applied)
                {
                    AdminApiLog.PersonChanged(logger, id, change);
                }
                return TypedResults.Json(PersonView.From(result.Person), AdminApiJson.Options);
            case PersonWriteStatus.NotFound:
                return UnknownPerson(id);
            case PersonWriteStatus.Deregistered:
                return ApiResults.Conflict($"person '{id}' moved out (deregistered); a deregistered record cannot change");
            default:
                return ApiResults.Conflict($"person '{id}' could not be {change}: {result.Status}");
        }
    }

    private static async Task<IResult> DeregisterAsync(
        string id,
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<DeregisterRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        if (!string.Equals(body!.Confirm, id, StringComparison.Ordinal))
        {
            return ApiResults.BadRequest(
                $"deregistration deletes the person's face data and revokes their cards at once; confirm by sending {{\"confirm\": \"{id}\"}}");
        }
        var result = await database.Persons.DeregisterAsync(id, cancellationToken).ConfigureAwait(false);
        if (result.Status == PersonWriteStatus.NotFound || result.Person is null)
        {
            return UnknownPerson(id);
        }
        var changed = result.Status == PersonWriteStatus.Applied;
        if (changed)
        {
            AdminApiLog.Deregistered(logger, id, result.TemplatesDeleted, result.PhotosDeleted, result.CardsRevoked);
        }
        return TypedResults.Json(
            new DeregistrationView(PersonView.From(result.Person), changed, result.TemplatesDeleted, result.PhotosDeleted, result.CardsRevoked),
            AdminApiJson.Options);
    }

    private static IResult UnknownPerson(string id) => ApiResults.NotFound($"no person with id '{id}'");
}
