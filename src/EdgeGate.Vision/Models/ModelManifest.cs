using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGate.Vision.Models;

/// <summary>The keys of <c>models/manifest.json</c>'s "models" object.</summary>
public static class ModelNames
{
    public const string Detect = "detect";
    public const string Landmarks = "landmarks";
    public const string Embedding = "embedding";
    public const string Liveness = "liveness";

    /// <summary>The models the face pipeline needs, in pipeline order.</summary>
    public static IReadOnlyList<string> All { get; } = [Detect, Landmarks, Embedding, Liveness];
}

/// <summary>Channel order a model expects.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
    Gray,
}

/// <summary>
/// <c>models/manifest.json</c>: where each model comes from (package, path in the tarball,
/// SHA-256), its inputs and outputs, and how to prepare its input.
/// </summary>
public sealed record ModelManifest(
    int SchemaVersion,
    IReadOnlyDictionary<string, ModelDescription> Models)
{
    /// <summary>The file name of the manifest inside the models directory.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The model under <paramref name="key"/> (see <see cref="ModelNames"/>).</summary>
    public ModelDescription Get(string key) =>
        Models.TryGetValue(key, out var model)
            ? model
            : throw new KeyNotFoundException($"the model manifest has no model '{key}'; it has: {string.Join(", ", Models.Keys)}");

    /// <summary>Reads and checks a manifest file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid manifest.</exception>
    public static ModelManifest Load(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Validate(JsonSerializer.Deserialize(stream, ModelManifestJsonContext.Default.ModelManifest), path);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path} is not a valid model manifest: {exception.Message}", exception);
        }
    }

    /// <summary>Parses and checks manifest text.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid manifest.</exception>
    public static ModelManifest Parse(string json)
    {
        try
        {
            return Validate(JsonSerializer.Deserialize(json, ModelManifestJsonContext.Default.ModelManifest), "manifest text");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"not a valid model manifest: {exception.Message}", exception);
        }
    }

    private static ModelManifest Validate(ModelManifest? manifest, string source)
    {
        if (manifest is null)
        {
            throw new InvalidDataException($"{source}: empty model manifest");
        }
        if (manifest.SchemaVersion != 1)
        {
            throw new InvalidDataException($"{source}: schemaVersion {manifest.SchemaVersion} is not supported (expected 1)");
        }
        if (manifest.Models is null || manifest.Models.Count == 0)
        {
            throw new InvalidDataException($"{source}: no models");
        }
        foreach (var (key, model) in manifest.Models)
        {
            var problem = model switch
            {
                null => "is empty",
                { File: null or "" } => "has no file",
                { Sha256: null or "" } => "has no sha256",
                _ when model.Sha256.Length != 64 || !model.Sha256.All(Uri.IsHexDigit) => "has a sha256 that is not 64 hex digits",
                _ when model.File.Contains('/') || model.File.Contains('\\') || model.File.Contains("..") => "names a file outside the models directory",
                { Inputs: null or [] } => "lists no inputs",
                { Outputs: null or [] } => "lists no outputs",
                _ when model.Inputs.Concat(model.Outputs).Any(tensor => string.IsNullOrEmpty(tensor.Name) || tensor.Shape is null) =>
                    "has an input or output without name or shape",
                _ => null,
            };
            if (problem is not null)
            {
                throw new InvalidDataException($"{source}: model '{key}' {problem}");
            }
        }
        return manifest;
    }
}

/// <summary>One model of the manifest.</summary>
public sealed record ModelDescription(
    string File,
    string Package,
    string Path,
    string Sha256,
    string? Licence,
    string? ModelId,
    IReadOnlyList<TensorDescription> Inputs,
    IReadOnlyList<TensorDescription> Outputs,
    string? Layout,
    ChannelOrder ChannelOrder,
    string? Resize,
    float Mean,
    float Scale,
    string? Notes);

/// <summary>One input or output: name, shape and element type ("float32").</summary>
public sealed record TensorDescription(string Name, IReadOnlyList<long> Shape, string Type);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ModelManifestJsonContext : JsonSerializerContext;
