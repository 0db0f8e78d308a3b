using System.Globalization;

namespace EdgeGate.Api;

/// <summary>
/// Numbers from the query string, parsed by the handler (after the token check) so that bad input gets
/// the API's JSON error rather than the framework's empty 400.
/// </summary>
public static class QueryValues
{
    /// <summary>False when present but not a whole number within [minimum, maximum]; null when absent.</summary>
    public static bool TryParseInt(string? text, int minimum, int maximum, out int? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < minimum || parsed > maximum)
        {
            return false;
        }
        value = parsed;
        return true;
    }

    public static bool TryParseLong(string? text, long minimum, long maximum, out long? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < minimum || parsed > maximum)
        {
            return false;
        }
        value = parsed;
        return true;
    }
}
