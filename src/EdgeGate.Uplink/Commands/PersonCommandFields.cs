using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Uplink.Commands;

/// <summary>Reading the person, template and card parts shared by enrol, update_person and gallery_sync.</summary>
public static class PersonCommandFields
{
    public static readonly string[] PersonFieldNames =
        ["personId", "displayName", "unit", "category", "validFrom", "validUntil", "watchListed", "watchListNote", "consentAt", "consentRecordedBy"];

    /// <summary>Who recorded a consent the platform sends without <c>consentRecordedBy</c>.</summary>
    public const string PlatformRecorder = "platform";

    /// <summary>A person from the fields, starting from <paramref name="existing"/> when updating (absent fields keep their value).</summary>
    public static Person ReadPerson(JsonElement body, Person? existing)
    {
        var id = CommandFields.RequiredIdentifier(body, "personId");
        var displayName = CommandFields.OptionalString(body, "displayName", 200) ?? existing?.DisplayName
            ?? throw CommandFields.Invalid("displayName", "required");
        var person = (existing ?? new Person { Id = id, DisplayName = displayName }) with
        {
            DisplayName = displayName,
            Unit = CommandFields.OptionalString(body, "unit", 64) ?? existing?.Unit,
            Category = CommandFields.OptionalEnum<PersonCategory>(body, "category") ?? existing?.Category ?? PersonCategory.Resident,
            ValidFrom = CommandFields.OptionalTimestamp(body, "validFrom") ?? existing?.ValidFrom,
            ValidUntil = CommandFields.OptionalTimestamp(body, "validUntil") ?? existing?.ValidUntil,
            WatchListed = CommandFields.OptionalBoolean(body, "watchListed") ?? existing?.WatchListed ?? false,
            WatchListNote = CommandFields.OptionalString(body, "watchListNote", 500) ?? existing?.WatchListNote,
        };
        if (CommandFields.OptionalTimestamp(body, "consentAt") is { } consentAt)
        {
            person = person with { ConsentAt = consentAt, ConsentRecordedBy = CommandFields.OptionalString(body, "consentRecordedBy", 200) ?? PlatformRecorder };
        }
        else if (CommandFields.Has(body, "consentRecordedBy"))
        {
            throw CommandFields.Invalid("consentRecordedBy", "names who recorded the consent: give consentAt with it");
        }
        if (person.ValidFrom is { } from && person.ValidUntil is { } until && until < from)
        {
            throw CommandFields.Invalid("validUntil", "is before validFrom");
        }
        return person;
    }

    /// <summary>Ready templates of the gateway's model: finite numbers, the model's length, L2-normalised here.</summary>
    public static IReadOnlyList<FaceTemplate> ReadTemplates(JsonElement body, string personId, TemplateSettings settings, DateTimeOffset now)
    {
        var items = CommandFields.OptionalArray(body, "templates", 20);
        if (items.Count == 0)
        {
            return [];
        }
        if (settings.ModelId.Length == 0)
        {
            throw new CommandRejectedException(CommandErrorCodes.Unavailable, "templates: this gateway accepts no ready templates (no model id configured); send photos");
        }
        var templates = new List<FaceTemplate>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var name = $"templates[{i}]";
            var item = CommandFields.RequiredObject(items[i], name);
            CommandFields.OnlyKnown(item, "modelId", "embedding", "quality");
            var modelId = CommandFields.RequiredString(item, "modelId", 128);
            if (modelId != settings.ModelId)
            {
                throw CommandFields.Invalid($"{name}.modelId", $"'{CommandFields.Shorten(modelId)}' is not this gateway's model '{settings.ModelId}'");
            }
            if (!item.TryGetProperty("embedding", out var embedding) || embedding.ValueKind != JsonValueKind.Array)
            {
                throw CommandFields.Invalid($"{name}.embedding", "required: an array of numbers");
            }
            if (embedding.GetArrayLength() != settings.Length)
            {
                throw CommandFields.Invalid($"{name}.embedding", $"holds {embedding.GetArrayLength()} numbers, the model's length is {settings.Length}");
            }
            var values = new float[settings.Length];
            var index = 0;
            double sumOfSquares = 0;
            foreach (var number in embedding.EnumerateArray())
            {
                if (number.ValueKind != JsonValueKind.Number || !number.TryGetSingle(out var value) || !float.IsFinite(value))
                {
                    throw CommandFields.Invalid($"{name}.embedding[{index}]", "must be a finite number");
                }
                values[index++] = value;
                sumOfSquares += (double)value * value;
            }
            if (sumOfSquares < 1e-12)
            {
                throw CommandFields.Invalid($"{name}.embedding", "is all zeros");
            }
            var scale = (float)(1 / Math.Sqrt(sumOfSquares));
            for (var j = 0; j < values.Length; j++)
            {
                values[j] *= scale;
            }
            var quality = CommandFields.Has(item, "quality")
                ? item.GetProperty("quality") is { ValueKind: JsonValueKind.Number } q && q.TryGetSingle(out var qv) && qv is >= 0 and <= 1
                    ? qv
                    : throw CommandFields.Invalid($"{name}.quality", "must be a number 0-1")
                : 1f;
            templates.Add(new FaceTemplate { PersonId = personId, ModelId = modelId, Embedding = values, Quality = quality, EnrolledAt = now });
        }
        return templates;
    }

    /// <summary>Cards to issue: uid and expiry.</summary>
    public static IReadOnlyList<(string Uid, DateTimeOffset ValidUntil)> ReadCards(JsonElement body)
    {
        var items = CommandFields.OptionalArray(body, "cards", 10);
        var cards = new List<(string, DateTimeOffset)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = CommandFields.RequiredObject(items[i], $"cards[{i}]");
            CommandFields.OnlyKnown(item, "uid", "validUntil");
            cards.Add((ReadUid(item, $"cards[{i}].uid"), CommandFields.RequiredTimestamp(item, "validUntil")));
        }
        return cards;
    }

    public static string ReadUid(JsonElement body, string name = "uid")
    {
        var uid = CommandFields.OptionalString(body, "uid", 64, text => text.Trim().Length > 0 && text.All(c => c is >= ' ' and <= '~'), "must be printable ASCII")
            ?? throw CommandFields.Invalid(name, "required");
        return Card.NormaliseUid(uid);
    }

    public static JsonObject CardResults(IEnumerable<(string Uid, CardWriteStatus Status)> cards)
    {
        var result = new JsonObject();
        foreach (var (uid, status) in cards)
        {
            result[uid] = CardStatusCode(status);
        }
        return result;
    }

    public static string CardStatusCode(CardWriteStatus status) => status switch
    {
        CardWriteStatus.Applied => "ok",
        CardWriteStatus.CardNotFound => "card_not_found",
        CardWriteStatus.PersonNotFound => "person_not_found",
        CardWriteStatus.PersonNotActive => "person_not_active",
        CardWriteStatus.UidInUse => "uid_in_use",
        CardWriteStatus.CardRevoked => "card_revoked",
        _ => status.ToString(),
    };
}

/// <summary>The face model ready templates must belong to.</summary>
public sealed record TemplateSettings(string ModelId, int Length);
