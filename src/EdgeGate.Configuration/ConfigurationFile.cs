using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Storage;
using Microsoft.Extensions.Configuration;

namespace EdgeGate.Configuration;

/// <summary>
/// Changing a few keys of the configuration file from the command line (<c>provision</c>,
/// <c>calibrate</c>) while keeping everything else in it: the JSON is edited as a tree, the result is
/// validated as the gateway would load it, and written atomically with the old file's mode and owner.
/// </summary>
public static class ConfigurationFile
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A new configuration holds no secret and must be readable by the service.</summary>
    public const UnixFileMode NewFileMode = PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// The configuration at <paramref name="path"/> as a JSON tree (an empty one when there is none and
    /// <paramref name="mustExist"/> is false), or null with the reason added to <paramref name="problems"/>.
    /// </summary>
    public static JsonObject? Read(string path, List<string> problems, bool mustExist = false)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (Directory.Exists(path))
        {
            problems.Add($"--config: {path} is a folder");
            return null;
        }
        if (!File.Exists(path))
        {
            if (mustExist)
            {
                problems.Add($"--config: {path} does not exist");
                return null;
            }
            return [];
        }
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path), documentOptions: ReadOptions) is JsonObject configuration)
            {
                return configuration;
            }
            problems.Add($"--config: {path} does not hold a JSON object");
        }
        catch (JsonException exception)
        {
            problems.Add($"--config: {path} is not valid JSON: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add($"--config: cannot read {path}: {exception.Message}");
        }
        return null;
    }

    /// <summary>The section of that name (keys are case-insensitive, as the configuration reads them), created if absent.</summary>
    public static JsonObject Section(JsonObject configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = configuration.Select(pair => pair.Key).FirstOrDefault(existing => string.Equals(existing, name, StringComparison.OrdinalIgnoreCase));
        if (key is not null && configuration[key] is JsonObject section)
        {
            return section;
        }
        if (key is not null)
        {
            configuration.Remove(key);
        }
        section = [];
        configuration[name] = section;
        return section;
    }

    /// <summary>Sets a key of a section, keeping the spelling of an existing key.</summary>
    public static void Set(JsonObject section, string name, JsonNode value)
    {
        ArgumentNullException.ThrowIfNull(section);
        var key = section.Select(pair => pair.Key).FirstOrDefault(existing => string.Equals(existing, name, StringComparison.OrdinalIgnoreCase));
        section[key ?? name] = value;
    }

    /// <summary>The value of a section's key (case-insensitive), or null.</summary>
    public static JsonNode? Get(JsonObject section, string name)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.FirstOrDefault(pair => string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
    }

    /// <summary>The tree as the text to write (indented, a final newline).</summary>
    public static string ToText(JsonObject configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Loads <paramref name="configurationText"/> as the gateway would (unknown keys and bad values are errors).</summary>
    /// <exception cref="ConfigurationException">The text is not a valid configuration; every problem is listed.</exception>
    public static EdgeGateSettings Validate(string configurationText)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(configurationText));
        return EdgeGateSettings.FromConfiguration(new ConfigurationBuilder().AddJsonStream(stream).Build());
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/>: a replaced file keeps its mode and owner
    /// (install.sh makes it 0640, group edgegate), a new one gets <see cref="NewFileMode"/>.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write it.</exception>
    public static void Write(string path, string text)
    {
        var existing = File.Exists(path);
        WriteAtomically(path, Encoding.UTF8.GetBytes(text), existing ? File.GetUnixFileMode(path) : NewFileMode, ownerReference: existing ? path : null);
    }

    /// <summary>
    /// Writes a temporary file beside <paramref name="path"/>, flushes it to disk, gives it its mode
    /// (and, when run as root, the owner of <paramref name="ownerReference"/>), then renames it over.
    /// </summary>
    public static void WriteAtomically(string path, byte[] content, UnixFileMode mode, string? ownerReference)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = PrivateFile,
            };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, mode);
            if (ownerReference is not null && Environment.IsPrivilegedProcess)
            {
                FileOwnership.CopyOwner(ownerReference, temporary);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
