using System.Text.RegularExpressions;
using EdgeGate.Core.Persons;

namespace EdgeGate.Api;

/// <summary>Body of <c>POST persons</c>; dates are days (<c>yyyy-MM-dd</c>) in the site's time zone.</summary>
public sealed record AddPersonRequest(
    string? Id,
    string? Name,
    string? Unit,
    string? Category,
    string? From,
    string? Until,
    bool? WatchList,
    string? WatchListNote,
    RecordConsentRequest? Consent);

/// <summary>Checks a <see cref="AddPersonRequest"/> field by field and builds the person.</summary>
internal static partial class NewPerson
{
    public const int MaximumIdLength = 64;
    public const int MaximumNameLength = 200;
    public const int MaximumUnitLength = 50;
    public const int MaximumNoteLength = 500;

    /// <summary>The person, or the problems by field name (the JSON name, <c>consent.recordedBy</c> for the nested one).</summary>
    public static (Person? Person, IReadOnlyDictionary<string, string> Problems) Read(AddPersonRequest body, AdminApiContext context, DateTimeOffset now)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var id = body.Id?.Trim() ?? "";
        if (!IdPattern().IsMatch(id))
        {
            problems["id"] = $"1-{MaximumIdLength} letters, digits, '.', '_', '-' or '@', starting with a letter or digit (it appears in addresses)";
        }
        var name = body.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaximumNameLength)
        {
            problems["name"] = $"the name is required (at most {MaximumNameLength} characters)";
        }
        var unit = string.IsNullOrWhiteSpace(body.Unit) ? null : body.Unit.Trim();
        if (unit is { Length: > MaximumUnitLength })
        {
            problems["unit"] = $"at most {MaximumUnitLength} characters";
        }
        var category = PersonCategory.Resident;
        if (!string.IsNullOrWhiteSpace(body.Category)
            && (!Enum.TryParse(body.Category.Trim(), ignoreCase: true, out category) || !Enum.IsDefined(category) || int.TryParse(body.Category, out _)))
        {
            problems["category"] = "one of resident, staff, visitor";
        }
        DateTimeOffset? validFrom = null;
        if (!string.IsNullOrWhiteSpace(body.From))
        {
            if (ValidityEnd.TryParseDay(body.From, out var fromDay))
            {
                var local = fromDay.ToDateTime(TimeOnly.MinValue);
                validFrom = new DateTimeOffset(local, context.SiteTimeZone.GetUtcOffset(local));
            }
            else
            {
                problems["from"] = $"the first day as yyyy-MM-dd (got '{body.From}')";
            }
        }
        DateTimeOffset? validUntil = null;
        if (!string.IsNullOrWhiteSpace(body.Until))
        {
            var (_, until, problem) = RenewalDay.Check(body.Until, context, now);
            validUntil = until;
            if (problem is not null)
            {
                problems["until"] = problem;
            }
            else if (validFrom > validUntil)
            {
                problems["until"] = "the last day is before the first day";
            }
        }
        var note = string.IsNullOrWhiteSpace(body.WatchListNote) ? null : body.WatchListNote.Trim();
        if (note is { Length: > MaximumNoteLength })
        {
            problems["watchListNote"] = $"at most {MaximumNoteLength} characters";
        }
        DateTimeOffset? consentAt = null;
        string? recordedBy = null;
        if (body.Consent is { } consent)
        {
            recordedBy = consent.RecordedBy?.Trim();
            if (recordedBy is not { Length: > 0 and <= 200 })
            {
                problems["consent.recordedBy"] = "say who took the consent (1-200 characters), e.g. the office clerk's name";
            }
            if (consent.At > now)
            {
                problems["consent.at"] = "lies in the future: consent is recorded once it was given";
            }
            consentAt = consent.At ?? now;
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        return (new Person
        {
            Id = id,
            DisplayName = name,
            Unit = unit,
            Category = category,
            ValidFrom = validFrom,
            ValidUntil = validUntil,
            WatchListed = body.WatchList ?? false,
            WatchListNote = note,
            ConsentAt = consentAt,
            ConsentRecordedBy = recordedBy,
        }, problems);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
