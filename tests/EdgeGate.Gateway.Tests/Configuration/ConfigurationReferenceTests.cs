using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGate.Configuration;
using EdgeGate.Tools.Demo;
using EdgeGate.TestSupport;
using Microsoft.Extensions.Configuration;

namespace EdgeGate.Gateway.Tests.Configuration;

/// <summary>
/// docs/configuration.md covers exactly the keys the configuration accepts: its key tables are the
/// ones generated from the options classes, every key the options types accept is in them, every key
/// they name is accepted, and the example configurations use documented keys only.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private static readonly string DocumentPath = Path.Combine(RepositoryPaths.Root, "docs", "configuration.md");

    private static readonly string Regenerate =
        $"Regenerate the key tables from the repository root with:\n  {ConfigurationReference.RegenerateCommand}\n" +
        "(a new key needs a /// <summary> doc comment in its options class: that is its meaning in the document).";

    [Fact]
    public void The_key_tables_in_the_document_are_the_ones_generated_from_the_options_classes()
    {
        var document = File.ReadAllText(DocumentPath);

        var generated = ConfigurationReference.Update(document);

        if (generated != document)
        {
            var firstDifference = Enumerable.Range(0, Math.Min(generated.Length, document.Length))
                .FirstOrDefault(index => generated[index] != document[index], Math.Min(generated.Length, document.Length));
            var line = document[..firstDifference].Count(character => character == '\n') + 1;
            Assert.Fail($"docs/configuration.md is out of date with the options classes (first difference on line {line}). {Regenerate}");
        }
    }

    [Fact]
    public void Every_key_the_configuration_accepts_is_documented_and_every_documented_key_exists()
    {
        var documented = DocumentedKeys(File.ReadAllText(DocumentPath));
        var accepted = ConfigurationReference.KeyPaths().ToHashSet(StringComparer.Ordinal);

        var undocumented = accepted.Except(documented).Order().ToList();
        var unknown = documented.Except(accepted).Order().ToList();

        Assert.True(undocumented.Count == 0 && unknown.Count == 0,
            (undocumented.Count > 0 ? $"accepted but not in docs/configuration.md: {string.Join(", ", undocumented)}\n" : "") +
            (unknown.Count > 0 ? $"in docs/configuration.md but not accepted: {string.Join(", ", unknown)}\n" : "") +
            Regenerate);
        // The document is not trivially complete: the keys named in its prose are in its tables.
        Assert.Contains("Doors:n:Schedule:AppliesTo", documented);
        Assert.Contains("Cameras:n:InfraredOf", documented);
        Assert.Contains("Doors:n:Mqtt:Flavor", documented);
        Assert.Contains("Readers:n:Format", documented);
        Assert.Contains("Policy:Passback", documented);
    }

    [Fact]
    public void Every_documented_key_is_accepted_by_the_configuration_check_and_a_made_up_one_is_not()
    {
        var documented = DocumentedKeys(File.ReadAllText(DocumentPath));

        // A key the configuration does not know is reported as "unknown"; a known one with a wrong
        // value only as a bad value.
        var refused = documented
            .Where(key => UnknownKeyErrors(key.Replace(":n", ":0", StringComparison.Ordinal)).Count > 0)
            .Order()
            .ToList();

        Assert.True(refused.Count == 0, $"docs/configuration.md names keys the configuration refuses as unknown: {string.Join(", ", refused)}\n{Regenerate}");
        Assert.Contains(UnknownKeyErrors("Doors:0:ModbusRtu:SlaveAddress"), error => error.StartsWith("Doors:0:ModbusRtu:SlaveAddress: unknown key", StringComparison.Ordinal));
        Assert.Contains(UnknownKeyErrors("Lighting:Level"), error => error.StartsWith("Lighting: unknown section", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_key_in_the_generated_tables_says_what_it_means()
    {
        var rows = ConfigurationReference.Generate().Split('\n').Where(line => Row().IsMatch(line)).ToList();

        var withoutMeaning = rows.Where(row => row.TrimEnd().EndsWith("|  |", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(rows);
        Assert.True(withoutMeaning.Count == 0,
            "keys without a meaning:\n" + string.Join("\n", withoutMeaning) + "\n" + Regenerate);
    }

    [Theory]
    [MemberData(nameof(ExampleConfigurationTests.ExampleFiles), MemberType = typeof(ExampleConfigurationTests))]
    public void An_example_configuration_uses_documented_keys_only(string fileName)
    {
        var keys = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "deploy", "config", fileName))
            .Build()
            .AsEnumerable()
            .Select(pair => pair.Key);

        AssertDocumented(keys, $"deploy/config/{fileName}");
    }

    [Fact]
    public void The_demo_configuration_uses_documented_keys_only()
    {
        var settings = DemoCommand.DemoSettings("/tmp/edgegate-demo", "rtsp://127.0.0.1:8554/gate", brokerPort: 1883, apiPort: 8080);
        using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(settings));

        var keys = new ConfigurationBuilder().AddJsonStream(json).Build().AsEnumerable().Select(pair => pair.Key);

        AssertDocumented(keys, "the demo configuration");
    }

    private static void AssertDocumented(IEnumerable<string> keys, string source)
    {
        var documented = DocumentedKeys(File.ReadAllText(DocumentPath));
        var used = keys.Select(key => Index().Replace(key, ":n")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.NotEmpty(used);
        bool IsDocumented(string key) => documented.Contains(key, StringComparer.OrdinalIgnoreCase);

        // An entry of a list of values ("Monday": ["07:00-19:00"] gives Doors:n:Schedule:Monday:n) is covered by its list.
        var undocumented = used
            .Where(key => !IsDocumented(key) && !(key.EndsWith(":n", StringComparison.Ordinal) && IsDocumented(key[..^2])))
            .Order()
            .ToList();

        Assert.True(undocumented.Count == 0, $"{source} uses keys docs/configuration.md does not cover: {string.Join(", ", undocumented)}\n{Regenerate}");
    }

    private static List<string> UnknownKeyErrors(string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, "x")]).Build();
        try
        {
            EdgeGateSettings.FromConfiguration(configuration);
            return [];
        }
        catch (ConfigurationException exception)
        {
            return exception.Errors.Where(error => error.Contains("unknown", StringComparison.Ordinal)).ToList();
        }
    }

    /// <summary>
    /// The keys the generated part of the document names: each heading's path, the list a <c>…:n</c>
    /// heading is an entry of, and each table row's key under its heading.
    /// </summary>
    private static HashSet<string> DocumentedKeys(string document)
    {
        var begin = document.IndexOf(ConfigurationReference.BeginMarker, StringComparison.Ordinal);
        var end = document.IndexOf(ConfigurationReference.EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/configuration.md has no generated part between '{ConfigurationReference.BeginMarker}' and '{ConfigurationReference.EndMarker}'");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        string? section = null;
        foreach (var line in document[begin..end].Split('\n'))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                section = heading.Groups[1].Value;
                keys.Add(section);
                if (section.EndsWith(":n", StringComparison.Ordinal))
                {
                    keys.Add(section[..^2]);
                }
            }
            else if (Row().Match(line) is { Success: true } row && section is not null)
            {
                keys.Add(section + ":" + row.Groups[1].Value);
            }
        }
        return keys;
    }

    [GeneratedRegex(@"^#{3,} `([^`]+)`$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\| `([^`]+)` \|")]
    private static partial Regex Row();

    /// <summary>A list index in a configuration key (<c>Doors:0:Kind</c>).</summary>
    [GeneratedRegex(@":\d+(?=:|$)")]
    private static partial Regex Index();
}
