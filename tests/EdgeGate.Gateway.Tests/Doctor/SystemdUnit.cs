using System.Text;

namespace EdgeGate.Gateway.Tests.Doctor;

/// <summary>
/// The <c>[Service]</c> (or another section's) settings of a systemd unit file, read the way systemd reads them (later
/// lines of a list setting add to earlier ones, an empty assignment clears it), so a test can run a
/// program the way the real unit runs it.
/// </summary>
internal sealed class SystemdUnit
{
    private readonly List<(string Key, string Value)> settings;

    private SystemdUnit(List<(string Key, string Value)> settings)
    {
        this.settings = settings;
    }

    public static SystemdUnit Load(string path, string sectionName = "[Service]")
    {
        var settings = new List<(string, string)>();
        var section = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[')
            {
                section = line;
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section == sectionName && equals > 0)
            {
                settings.Add((line[..equals].Trim(), line[(equals + 1)..].Trim()));
            }
        }
        return new SystemdUnit(settings);
    }

    /// <summary>The value of a single-valued setting (the last assignment wins), or null.</summary>
    public string? Value(string key) => settings.LastOrDefault(setting => setting.Key == key).Value;

    /// <summary>The value of a setting the test cannot do without.</summary>
    public string Required(string key) => Value(key) ?? throw new InvalidOperationException($"the unit has no {key}=");

    /// <summary>The words of a list setting over all its lines (an empty assignment resets the list).</summary>
    public IReadOnlyList<string> Words(string key)
    {
        var words = new List<string>();
        foreach (var (name, value) in settings.Where(setting => setting.Key == key))
        {
            if (value.Length == 0)
            {
                words.Clear();
                continue;
            }
            words.AddRange(SplitWords(value));
        }
        return words;
    }

    /// <summary>Environment= assignments in order (later ones win), as NAME → value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment() =>
        Words("Environment").Select(assignment =>
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            return new KeyValuePair<string, string>(assignment[..equals], assignment[(equals + 1)..]);
        }).ToList();

    /// <summary>A time span setting (<c>30s</c>, <c>2min</c>, <c>500ms</c>), or null.</summary>
    public TimeSpan? Duration(string key)
    {
        var value = Value(key);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var digits = new string(value.TakeWhile(char.IsDigit).ToArray());
        var number = long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return value[digits.Length..].Trim() switch
        {
            "" or "s" or "sec" => TimeSpan.FromSeconds(number),
            "ms" or "msec" => TimeSpan.FromMilliseconds(number),
            "min" or "m" => TimeSpan.FromMinutes(number),
            var unit => throw new InvalidOperationException($"{key}={value}: unit '{unit}' is not read by this test"),
        };
    }

    /// <summary>systemd's word splitting: blanks separate words, double or single quotes group them.</summary>
    private static IEnumerable<string> SplitWords(string value)
    {
        var word = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var character in value)
        {
            if (quote is { } open)
            {
                if (character == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(character);
                }
                continue;
            }
            if (character is '"' or '\'')
            {
                quote = character;
                inWord = true;
                continue;
            }
            if (char.IsWhiteSpace(character))
            {
                if (inWord)
                {
                    yield return word.ToString();
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            word.Append(character);
            inWord = true;
        }
        if (inWord)
        {
            yield return word.ToString();
        }
    }
}
