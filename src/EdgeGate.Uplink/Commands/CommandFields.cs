using System.Globalization;
using System.Text.Json;

namespace EdgeGate.Uplink.Commands;

/// <summary>
/// Schema checks for command fields, the one reading path for a command's body: each reader names the
/// field in its message and throws <see cref="CommandRejectedException"/> (code <c>invalid_field</c>) on a
/// wrong type, length, range or text that is not valid Unicode; it never throws anything else for bad input.
/// </summary>
public static class CommandFields
{
    /// <summary>The envelope fields every command may carry.</summary>
    private static readonly string[] EnvelopeFields = ["v", "id", "expiresAt"];

    private const string NotText = "is not valid text: it holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff)";

    /// <summary>Rejects properties other than the envelope's and <paramref name="allowed"/>.</summary>
    public static void OnlyKnown(JsonElement body, params string[] allowed)
    {
        foreach (var property in body.EnumerateObject())
        {
            var name = PropertyName(property);
            if (!allowed.Contains(name, StringComparer.Ordinal) && !EnvelopeFields.Contains(name, StringComparer.Ordinal))
            {
                throw Invalid(Shorten(name), "unknown field");
            }
        }
    }

    /// <summary>
    /// The text of a string value. The dispatcher has checked the bytes are UTF-8, but a JSON escape can
    /// still name half a UTF-16 surrogate pair (<c>"\ud800"</c>), which is no text at all: refused here.
    /// </summary>
    public static string Text(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid(name, $"must be a string, not {Describe(value.ValueKind)}");
        }
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Invalid(name, NotText);
        }
    }

    /// <summary>A property's name, refused like <see cref="Text"/> when it is not valid text.</summary>
    public static string PropertyName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw Invalid("(a field name)", NotText);
        }
    }

    public static string RequiredString(JsonElement body, string name, int maximumLength, Func<string, bool>? valid = null, string? rule = null) =>
        OptionalString(body, name, maximumLength, valid, rule) ?? throw Invalid(name, "required");

    public static string? OptionalString(JsonElement body, string name, int maximumLength, Func<string, bool>? valid = null, string? rule = null)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var text = Text(value, name);
        if (text.Length == 0 || text.Length > maximumLength)
        {
            throw Invalid(name, $"must be 1-{maximumLength} characters (got {text.Length})");
        }
        if (valid is not null && !valid(text))
        {
            throw Invalid(name, rule ?? "has an invalid value");
        }
        return text;
    }

    public static string RequiredIdentifier(JsonElement body, string name) =>
        RequiredString(body, name, 128, IsIdentifier, "may hold letters, digits, '.', ':', '-' and '_' only");

    public static bool IsIdentifier(string text) =>
        text.Length is > 0 and <= 128 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    public static DateTimeOffset RequiredTimestamp(JsonElement body, string name) =>
        OptionalTimestamp(body, name) ?? throw Invalid(name, "required");

    public static DateTimeOffset? OptionalTimestamp(JsonElement body, string name)
    {
        var text = OptionalString(body, name, 40);
        if (text is null)
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            || !(text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9))
        {
            throw Invalid(name, "must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-23T08:00:00Z");
        }
        return value;
    }

    public static bool? OptionalBoolean(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(name, $"must be true or false, not {Describe(value.ValueKind)}"),
        };
    }

    public static long? OptionalInteger(JsonElement body, string name, long minimum, long maximum)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw Invalid(name, $"must be a whole number, not {Describe(value.ValueKind)}");
        }
        if (number < minimum || number > maximum)
        {
            throw Invalid(name, $"must be {minimum}-{maximum} (got {number})");
        }
        return number;
    }

    public static long RequiredInteger(JsonElement body, string name, long minimum, long maximum) =>
        OptionalInteger(body, name, minimum, maximum) ?? throw Invalid(name, "required");

    public static TEnum? OptionalEnum<TEnum>(JsonElement body, string name)
        where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        var text = OptionalString(body, name, 32);
        if (text is null)
        {
            return null;
        }
        if (!names.Contains(text, StringComparer.Ordinal) || !Enum.TryParse<TEnum>(text, ignoreCase: true, out var value))
        {
            throw Invalid(name, $"must be one of {string.Join(", ", names)}");
        }
        return value;
    }

    /// <summary>The array's items, or an empty list when absent.</summary>
    public static IReadOnlyList<JsonElement> OptionalArray(JsonElement body, string name, int maximumItems)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(name, $"must be an array, not {Describe(value.ValueKind)}");
        }
        var length = value.GetArrayLength();
        if (length > maximumItems)
        {
            throw Invalid(name, $"holds {length} items, at most {maximumItems} allowed");
        }
        return value.EnumerateArray().ToArray();
    }

    public static JsonElement RequiredObject(JsonElement item, string name)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, $"must be an object, not {Describe(item.ValueKind)}");
        }
        return item;
    }

    public static bool Has(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public static CommandRejectedException Invalid(string name, string problem) =>
        new(CommandErrorCodes.InvalidField, $"{name}: {problem}");

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Untrusted text made safe to echo: printable ASCII, at most 64 characters.</summary>
    public static string Shorten(string text)
    {
        var clean = new string(text.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        return text.Length > 64 ? clean + "…" : clean;
    }
}
