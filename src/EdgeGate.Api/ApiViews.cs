using System.Text.Json;
using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Api;

/// <summary>The body of every error answer: a short machine code and a sentence for people.</summary>
public sealed record ApiError(string Error, string Detail);

/// <summary>A 400 answer for a body with wrong fields: each field's JSON name and what is wrong with it.</summary>
public sealed record ApiFieldErrors(string Error, string Detail, IReadOnlyDictionary<string, string> Fields);

/// <summary>One access decision as the API shows it.</summary>
public sealed record DecisionView(
    DateTimeOffset At,
    string Door,
    string Outcome,
    bool Granted,
    string ReasonCode,
    string Message,
    IReadOnlyList<string> Alerts,
    string Credential,
    string? PersonId,
    string? CardUid,
    string? CameraId,
    double? Similarity,
    double? LivenessScore,
    string? OperatorId,
    string? RepeatOf)
{
    public static DecisionView From(AccessDecision decision)
    {
        var face = decision.Credential as FaceCredential;
        var remote = decision.Credential as RemoteCredential;
        var alerts = Enum.GetValues<AccessAlerts>()
            .Where(alert => alert != AccessAlerts.None && decision.Alerts.HasFlag(alert))
            .Select(alert => alert.ToString())
            .ToArray();
        return new DecisionView(
            decision.At,
            decision.DoorId,
            decision.Outcome.ToString(),
            decision.Granted,
            decision.ReasonCode,
            decision.Message,
            alerts,
            decision.Credential.Kind.ToString(),
            decision.PersonId,
            decision.CardUid,
            face?.CameraId,
            face?.Similarity,
            face?.LivenessScore,
            remote?.OperatorId,
            decision.RepeatOf?.ToCode());
    }
}

/// <summary>A person as the API shows it (never templates or photos).</summary>
public sealed record PersonView(
    string Id,
    string DisplayName,
    string? Unit,
    string Category,
    string Status,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    bool WatchListed,
    string? WatchListNote,
    DateTimeOffset UpdatedAt,
    long Version,
    DateTimeOffset? ConsentAt = null,
    string? ConsentRecordedBy = null)
{
    public static PersonView From(Person person) => new(
        person.Id,
        person.DisplayName,
        person.Unit,
        person.Category.ToString(),
        person.Status.ToString(),
        person.ValidFrom,
        person.ValidUntil,
        person.WatchListed,
        person.WatchListNote,
        person.UpdatedAt,
        person.Version,
        person.ConsentAt,
        person.ConsentRecordedBy);
}

/// <summary>A person with their cards and how many face templates they have.</summary>
public sealed record PersonDetailView(PersonView Person, IReadOnlyList<CardView> Cards, int FaceTemplates);

/// <summary>
/// A door card; <see cref="Expired"/> is judged at the time of the answer, <see cref="LastDay"/> is the
/// last day of validity in the site's time zone (<c>yyyy-MM-dd</c>, what a renewal takes).
/// </summary>
public sealed record CardView(string Uid, string PersonId, DateTimeOffset IssuedAt, DateTimeOffset ValidUntil, string LastDay, string Status, bool Expired)
{
    public static CardView From(Card card, DateTimeOffset now, TimeZoneInfo siteTimeZone) => new(
        card.Uid,
        card.PersonId,
        card.IssuedAt,
        card.ValidUntil,
        TimeZoneInfo.ConvertTime(card.ValidUntil, siteTimeZone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        card.Status.ToString(),
        card.IsExpired(now));
}

/// <summary>What a deregistration removed.</summary>
public sealed record DeregistrationView(PersonView Person, bool Changed, int TemplatesDeleted, int PhotosDeleted, int CardsRevoked);

/// <summary>One journal entry; the payload is returned as the JSON it was recorded as.</summary>
public sealed record EventView(long Seq, string Lane, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, JsonElement Payload)
{
    public static EventView From(JournalEntry entry)
    {
        using var document = JsonDocument.Parse(entry.PayloadJson);
        return new EventView(entry.Seq, entry.Lane.ToString(), entry.Type, entry.OccurredAt, entry.RecordedAt, document.RootElement.Clone());
    }
}

/// <summary>
/// A page of journal search results. <see cref="ScannedThrough"/> is the last seq looked at: pass it as
/// <c>after</c> to continue; <see cref="LastSeq"/> is the newest seq in the journal.
/// </summary>
public sealed record EventPage(IReadOnlyList<EventView> Events, long ScannedThrough, long LastSeq, bool More);

/// <summary>A configured door, for the remote unlock form.</summary>
public sealed record DoorView(string Name, string Kind, string Direction);

/// <summary>The answer to a remote unlock.</summary>
public sealed record UnlockView(string Status, string Message, DecisionView? Decision);

/// <summary>Body of <c>POST persons/{id}/deregister</c> and <c>.../consent/withdraw</c>: the person's id typed again.</summary>
public sealed record ConfirmationRequest(string? Confirm);

/// <summary>Body of <c>POST persons/{id}/consent</c>: who took the consent, and when (default: now).</summary>
public sealed record RecordConsentRequest(string? RecordedBy, DateTimeOffset? At);

/// <summary>What a withdrawal of consent deleted.</summary>
public sealed record ConsentWithdrawalView(PersonView Person, bool Changed, int TemplatesDeleted, int PhotosDeleted);

/// <summary>
/// The answer to an enrolled photo or capture: <see cref="TemplatesAdded"/> by it, <see cref="TemplateCount"/>
/// the person's face templates now.
/// </summary>
public sealed record FaceEnrolmentView(string PersonId, bool Accepted, string Code, string Reason, int TemplatesAdded, int TemplateCount, bool AlreadyEnrolled);

/// <summary>A face captured from a camera and held for <c>POST persons/{id}/capture?captureId=</c>; its image is at <see cref="Image"/>.</summary>
public sealed record FaceCaptureView(string CaptureId, string PersonId, string Camera, DateTimeOffset TakenAt, DateTimeOffset ExpiresAt, int FaceSizePixels, bool QualityAccepted, string Image);

/// <summary>Body of <c>POST cards</c>: the card number, its holder and the last day of validity (<c>yyyy-MM-dd</c>).</summary>
public sealed record IssueCardRequest(string? Uid, string? Person, string? Until);

/// <summary>Body of <c>POST cards/{uid}/renew</c>: the last day of validity, <c>yyyy-MM-dd</c>.</summary>
public sealed record RenewCardRequest(string? Until);

/// <summary>Body of <c>POST persons/{id}/renew</c>: the last day of the stay, <c>yyyy-MM-dd</c>.</summary>
public sealed record RenewPersonRequest(string? Until);

/// <summary>Body of <c>POST doors/{name}/unlock</c>.</summary>
public sealed record UnlockRequest(string? Reason, bool? Confirm, string? Operator);
