using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Persons;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Uplink.Commands;

/// <summary>
/// <c>enrol</c>: adds (or updates) a person with face templates, either ready templates of this
/// gateway's model or photos from which the box computes them, and optional cards. Biometric data
/// needs recorded consent (<c>consentAt</c> in the command or already on the box): without it the
/// answer is <c>consent_required</c> and nothing is stored.
/// </summary>
public sealed class EnrolCommandHandler(EdgeGateDatabase database, TemplateSettings templateSettings, TimeProvider timeProvider, Func<EnrolmentService?> photoEnrolment)
    : IPlatformCommandHandler
{
    public const int MaximumPhotos = 10;

    public EnrolCommandHandler(EdgeGateDatabase database, TemplateSettings templateSettings, TimeProvider timeProvider, EnrolmentService? enrolment = null)
        : this(database, templateSettings, timeProvider, () => enrolment)
    {
    }

    public string Name => "enrol";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        var body = command.Body;
        CommandFields.OnlyKnown(body, [.. PersonCommandFields.PersonFieldNames, "templates", "photos", "cards"]);
        var existing = await database.Persons.GetAsync(CommandFields.RequiredIdentifier(body, "personId"), cancellationToken).ConfigureAwait(false);
        var person = PersonCommandFields.ReadPerson(body, existing is { Status: not PersonStatus.Deregistered } ? existing : null);
        var cards = PersonCommandFields.ReadCards(body);
        var hasTemplates = CommandFields.Has(body, "templates");
        var hasPhotos = CommandFields.Has(body, "photos");
        if (hasTemplates == hasPhotos)
        {
            throw CommandFields.Invalid("templates", "give either templates or photos (exactly one)");
        }
        if (!person.HasRecordedConsent)
        {
            return ConsentRequired(person.Id);
        }
        if (existing is { Status: PersonStatus.Deregistered })
        {
            return PlatformCommandResult.Error(CommandErrorCodes.Conflict, $"person '{person.Id}' is deregistered; a deregistration is final, enrol under a new id");
        }

        var refused = new JsonObject();
        var refusedCodes = new JsonObject();
        long? version;
        int templatesAdded;
        int duplicatesSkipped;
        if (hasTemplates)
        {
            var templates = PersonCommandFields.ReadTemplates(body, person.Id, templateSettings, timeProvider.GetUtcNow());
            if (templates.Count == 0)
            {
                throw CommandFields.Invalid("templates", "must hold at least one template");
            }
            var enrolled = await database.Persons.EnrolAsync(person, templates, cancellationToken).ConfigureAwait(false);
            if (enrolled.Status == PersonWriteStatus.ConsentRequired)
            {
                return ConsentRequired(person.Id);
            }
            if (enrolled.Status is not (PersonWriteStatus.Applied or PersonWriteStatus.Unchanged))
            {
                return PlatformCommandResult.Error(CommandErrorCodes.Conflict, $"person '{person.Id}': {enrolled.Status}");
            }
            (version, templatesAdded, duplicatesSkipped) = (enrolled.Person?.Version, enrolled.TemplateIds.Count, enrolled.DuplicatesSkipped);
        }
        else
        {
            var photos = ReadPhotos(body);
            // Asked only now: the face pipeline may be loaded on the first photo enrolment.
            var enrolment = photoEnrolment();
            if (enrolment is null)
            {
                return PlatformCommandResult.Error(CommandErrorCodes.Unavailable, "photos: this gateway has no face pipeline for enrolment; send templates");
            }
            // The face pipeline computes the templates on the box: quality gate, duplicate check, one transaction.
            var outcome = await enrolment.EnrolAsync(person, photos, cancellationToken).ConfigureAwait(false);
            foreach (var verdict in outcome.Photos.Where(verdict => !verdict.Accepted))
            {
                refused[verdict.Name] = verdict.Reason;
                refusedCodes[verdict.Name] = verdict.ReasonCode;
            }
            switch (outcome.Status)
            {
                case EnrolmentStatus.Enrolled:
                    break;
                case EnrolmentStatus.ConsentRequired:
                    return ConsentRequired(person.Id);
                case EnrolmentStatus.Rejected:
                    return PlatformCommandResult.Error(CommandErrorCodes.InvalidField, $"photos: {outcome.Message}",
                        new JsonObject { ["refusedPhotos"] = refused, ["refusedPhotoCodes"] = refusedCodes });
                case EnrolmentStatus.UnknownPerson:
                    return PlatformCommandResult.Error(CommandErrorCodes.NotFound, outcome.Message);
                default:
                    return PlatformCommandResult.Error(CommandErrorCodes.Conflict, outcome.Message,
                        new JsonObject { ["refusedPhotos"] = refused, ["refusedPhotoCodes"] = refusedCodes });
            }
            version = (await database.Persons.GetAsync(person.Id, cancellationToken).ConfigureAwait(false))?.Version;
            (templatesAdded, duplicatesSkipped) = (outcome.TemplateIds.Count, outcome.AlreadyEnrolledPhotos);
        }

        var cardResults = new List<(string, CardWriteStatus)>();
        foreach (var (uid, validUntil) in cards)
        {
            var issued = await database.Cards.IssueAsync(uid, person.Id, validUntil, cancellationToken).ConfigureAwait(false);
            cardResults.Add((uid, issued.Status));
        }
        return PlatformCommandResult.Success(new JsonObject
        {
            ["personId"] = person.Id,
            ["version"] = version,
            ["templatesAdded"] = templatesAdded,
            ["duplicatesSkipped"] = duplicatesSkipped,
            ["refusedPhotos"] = refused,
            ["refusedPhotoCodes"] = refusedCodes,
            ["cards"] = PersonCommandFields.CardResults(cardResults),
        });
    }

    private static PlatformCommandResult ConsentRequired(string personId) =>
        PlatformCommandResult.Error(CommandErrorCodes.ConsentRequired,
            $"consentAt: {personId} has no recorded consent to face recognition; send consentAt (and consentRecordedBy) with the face data");

    private static IReadOnlyList<EnrolmentPhoto> ReadPhotos(JsonElement body)
    {
        var items = CommandFields.OptionalArray(body, "photos", MaximumPhotos);
        if (items.Count == 0)
        {
            throw CommandFields.Invalid("photos", "must hold at least one photo");
        }
        var photos = new List<EnrolmentPhoto>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var name = $"photos[{i}]";
            var item = CommandFields.RequiredObject(items[i], name);
            CommandFields.OnlyKnown(item, "contentType", "data");
            var contentType = CommandFields.RequiredString(item, "contentType", 32, t => t is "image/jpeg" or "image/png", "must be image/jpeg or image/png");
            if (!item.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
            {
                throw CommandFields.Invalid($"{name}.data", "required: the image, base64");
            }
            if (!data.TryGetBytesFromBase64(out var bytes) || bytes.Length == 0)
            {
                throw CommandFields.Invalid($"{name}.data", "is not valid base64");
            }
            var looksRight = contentType == "image/jpeg"
                ? bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8
                : bytes.Length > 8 && bytes[0] == 0x89 && bytes[1] == (byte)'P';
            if (!looksRight)
            {
                throw CommandFields.Invalid($"{name}.data", $"is not a {contentType} image");
            }
            photos.Add(new EnrolmentPhoto(name, bytes));
        }
        return photos;
    }
}

/// <summary>
/// <c>update_person</c>: changes details, validity, watch list, consent or status (active/suspended);
/// absent fields are kept. <c>withdrawConsent: true</c> withdraws the consent and deletes the person's
/// face data on the box (cards keep working).
/// </summary>
public sealed class UpdatePersonCommandHandler(EdgeGateDatabase database) : IPlatformCommandHandler
{
    public string Name => "update_person";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        var body = command.Body;
        CommandFields.OnlyKnown(body, [.. PersonCommandFields.PersonFieldNames, "status", "expectedVersion", "withdrawConsent"]);
        var id = CommandFields.RequiredIdentifier(body, "personId");
        var withdraw = CommandFields.OptionalBoolean(body, "withdrawConsent") ?? false;
        if (withdraw && CommandFields.Has(body, "consentAt"))
        {
            throw CommandFields.Invalid("withdrawConsent", "cannot come with consentAt");
        }
        var status = CommandFields.OptionalString(body, "status", 16, s => s is "active" or "suspended", "must be active or suspended");
        var expectedVersion = CommandFields.OptionalInteger(body, "expectedVersion", 0, long.MaxValue);
        var existing = await database.Persons.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.NotFound, $"personId: no person '{id}' on this gateway");
        }
        if (existing.Status == PersonStatus.Deregistered)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.Conflict, $"person '{id}' is deregistered");
        }
        var person = PersonCommandFields.ReadPerson(body, existing) with
        {
            Status = status switch { "active" => PersonStatus.Active, "suspended" => PersonStatus.Suspended, _ => existing.Status },
        };
        var result = await database.Persons.UpdateAsync(person, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (withdraw && result.Status == PersonWriteStatus.Applied)
        {
            var withdrawn = await database.Persons.WithdrawConsentAsync(id, cancellationToken).ConfigureAwait(false);
            return PlatformCommandResult.Success(new JsonObject
            {
                ["personId"] = id,
                ["version"] = withdrawn.Person?.Version,
                ["templatesDeleted"] = withdrawn.TemplatesDeleted,
                ["photosDeleted"] = withdrawn.PhotosDeleted,
            });
        }
        return result.Status switch
        {
            PersonWriteStatus.Applied or PersonWriteStatus.Unchanged => PlatformCommandResult.Success(new JsonObject { ["personId"] = id, ["version"] = result.Person?.Version }),
            PersonWriteStatus.VersionConflict => PlatformCommandResult.Error(CommandErrorCodes.Conflict,
                $"expectedVersion: the stored version is {result.Person?.Version}", new JsonObject { ["version"] = result.Person?.Version }),
            PersonWriteStatus.NotFound => PlatformCommandResult.Error(CommandErrorCodes.NotFound, $"personId: no person '{id}' on this gateway"),
            _ => PlatformCommandResult.Error(CommandErrorCodes.Conflict, $"person '{id}': {result.Status}"),
        };
    }
}

/// <summary><c>deregister</c> (move-out): revokes at once, deletes templates and photos, revokes cards.</summary>
public sealed class DeregisterCommandHandler(EdgeGateDatabase database) : IPlatformCommandHandler
{
    public string Name => "deregister";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(command.Body, "personId");
        var id = CommandFields.RequiredIdentifier(command.Body, "personId");
        var result = await database.Persons.DeregisterAsync(id, cancellationToken).ConfigureAwait(false);
        if (result.Status == PersonWriteStatus.NotFound)
        {
            return PlatformCommandResult.Error(CommandErrorCodes.NotFound, $"personId: no person '{id}' on this gateway");
        }
        return PlatformCommandResult.Success(new JsonObject
        {
            ["personId"] = id,
            ["alreadyDeregistered"] = result.Status == PersonWriteStatus.Unchanged,
            ["templatesDeleted"] = result.TemplatesDeleted,
            ["photosDeleted"] = result.PhotosDeleted,
            ["cardsRevoked"] = result.CardsRevoked,
        });
    }
}
