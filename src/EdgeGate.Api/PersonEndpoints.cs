using EdgeGate.Core.Persons;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using EdgeGate.Recognition.Enrolment;

namespace EdgeGate.Api;

/// <summary>
/// <c>persons</c>: list and search, details with cards, renew the stay, suspend, reinstate, deregister
/// (move-out), record or withdraw consent to face recognition. Face enrolment is in <see cref="FaceEnrolmentEndpoints"/>.
/// </summary>
internal static class PersonEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("persons", ListAsync);
        api.MapPost("persons", AddAsync);
        api.MapGet("persons/{id}", GetAsync);
        api.MapPost("persons/{id}/renew", RenewAsync);
        api.MapPost("persons/{id}/suspend", SuspendAsync);
        api.MapPost("persons/{id}/reinstate", ReinstateAsync);
        api.MapPost("persons/{id}/deregister", DeregisterAsync);
        api.MapPost("persons/{id}/consent", RecordConsentAsync);
        api.MapPost("persons/{id}/consent/withdraw", WithdrawConsentAsync);
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

    /// <summary>
    /// Adds a person. Every field is checked and all problems are answered at once (400 with
    /// <c>fields</c>); an existing id is 409. Consent is optional here (a card-only resident), but without
    /// it no face can be enrolled; when given it needs <c>recordedBy</c>.
    /// </summary>
    private static async Task<IResult> AddAsync(
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] AdminApiContext context,
        [FromServices] TimeProvider timeProvider,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<AddPersonRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        var now = timeProvider.GetUtcNow();
        var (person, problems) = NewPerson.Read(body!, context, now);
        if (problems.Count > 0)
        {
            return ApiResults.FieldErrors(problems);
        }
        var result = await database.Persons.AddAsync(person!, cancellationToken).ConfigureAwait(false);
        if (result.Status == PersonWriteStatus.AlreadyExists)
        {
            return ApiResults.Conflict($"a person with id '{person!.Id}' already exists ({result.Person!.Status.ToString().ToLowerInvariant()})");
        }
        AdminApiLog.PersonChanged(logger, person!.Id, person.HasRecordedConsent ? "added with recorded consent" : "added");
        return TypedResults.Json(PersonView.From(result.Person!), AdminApiJson.Options, statusCode: StatusCodes.Status201Created);
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
        var templates = await database.Templates.ListForPersonAsync(person.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        return TypedResults.Json(
            new PersonDetailView(PersonView.From(person), cards.Select(card => CardView.From(card, now, context.SiteTimeZone)).ToArray(), templates.Count),
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
        if (await ConfirmationErrorAsync(request, id, "deregistration deletes the person's face data and revokes their cards at once").ConfigureAwait(false) is { } error)
        {
            return error;
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

    /// <summary>Records consent to face recognition: who took it (required) and when (default now, never in the future).</summary>
    private static async Task<IResult> RecordConsentAsync(
        string id,
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] TimeProvider timeProvider,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<RecordConsentRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        if (body!.RecordedBy?.Trim() is not { Length: > 0 and <= 200 } recordedBy)
        {
            return ApiResults.BadRequest("recordedBy: say who took the consent (1-200 characters), e.g. the office clerk's name");
        }
        var now = timeProvider.GetUtcNow();
        if (body.At > now)
        {
            return ApiResults.BadRequest("at lies in the future: consent is recorded once it was given");
        }
        var result = await database.Persons.RecordConsentAsync(id, body.At ?? now, recordedBy, cancellationToken).ConfigureAwait(false);
        return StatusChange(result, id, "given consent to face recognition", logger);
    }

    /// <summary>Withdrawal of consent: the person's face templates and photos are deleted at once; cards keep working.</summary>
    private static async Task<IResult> WithdrawConsentAsync(
        string id,
        HttpRequest request,
        [FromServices] EdgeGateDatabase database,
        [FromServices] ILogger<AdminApiContext> logger,
        CancellationToken cancellationToken)
    {
        if (await ConfirmationErrorAsync(request, id, "withdrawing consent deletes the person's face data at once").ConfigureAwait(false) is { } error)
        {
            return error;
        }
        var result = await database.Persons.WithdrawConsentAsync(id, cancellationToken).ConfigureAwait(false);
        if (result.Person is null)
        {
            return UnknownPerson(id);
        }
        var changed = result.Status == PersonWriteStatus.Applied;
        if (changed)
        {
            AdminApiLog.PersonChanged(logger, id, $"withdrew consent ({result.TemplatesDeleted} templates and {result.PhotosDeleted} photos deleted)");
        }
        return TypedResults.Json(
            new ConsentWithdrawalView(PersonView.From(result.Person), changed, result.TemplatesDeleted, result.PhotosDeleted),
            AdminApiJson.Options);
    }

    /// <summary>
    /// Null when the body is <c>{"confirm": "&lt;id&gt;"}</c>; else the error to answer, saying that
    /// <paramref name="consequence"/> and how to confirm.
    /// </summary>
    private static async Task<IResult?> ConfirmationErrorAsync(HttpRequest request, string id, string consequence)
    {
        var (body, error) = await ApiResults.ReadBodyAsync<ConfirmationRequest>(request).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }
        return string.Equals(body!.Confirm, id, StringComparison.Ordinal)
            ? null
            : ApiResults.BadRequest($"{consequence}; confirm by sending {{\"confirm\": \"{id}\"}}");
    }

    internal static IResult ConsentRequired(string id) =>
        ApiResults.Error(StatusCodes.Status409Conflict, EnrolmentService.ConsentRequiredCode,
            $"{id} has no recorded consent to face recognition: record it first (POST persons/{id}/consent with recordedBy)");

    internal static IResult UnknownPerson(string id) => ApiResults.NotFound($"no person with id '{id}'");
}
