using System.Security.Cryptography;

namespace EdgeGate.Vision.Models;

/// <summary>Outcome of checking one model file against the manifest.</summary>
public enum ModelFileStatus
{
    Ok,
    Missing,
    ChecksumMismatch,
}

/// <summary>What <see cref="ModelCatalog.Verify()"/> found for one model.</summary>
public sealed record ModelVerification(
    string Key,
    string FilePath,
    ModelFileStatus Status,
    string ExpectedSha256,
    string? ActualSha256)
{
    public bool IsOk => Status == ModelFileStatus.Ok;
}

/// <summary>
/// The models directory: the manifest plus the model files beside it. Found, in order, from an
/// explicit directory, the environment variable <c>EDGEGATE_MODELS</c>, <c>models/</c> beside the
/// application (the build copies manifest and models there), or the first folder above the
/// application or the current directory that holds <c>models/manifest.json</c>. An explicit or
/// environment path without a manifest is an error rather than a reason to look elsewhere.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>Environment variable naming the models directory.</summary>
    public const string EnvironmentVariable = "EDGEGATE_MODELS";

    private ModelCatalog(string directory, ModelManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
    }

    /// <summary>Full path of the models directory.</summary>
    public string Directory { get; }

    public ModelManifest Manifest { get; }

    /// <summary>Opens the directory holding <c>manifest.json</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">No manifest there.</exception>
    /// <exception cref="InvalidDataException">The manifest is invalid.</exception>
    public static ModelCatalog Open(string directory)
    {
        var fullPath = Path.GetFullPath(directory);
        var manifestPath = Path.Combine(fullPath, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new DirectoryNotFoundException($"no {ModelManifest.FileName} in the models directory '{fullPath}'");
        }
        return new ModelCatalog(fullPath, ModelManifest.Load(manifestPath));
    }

    /// <summary>Finds and opens the models directory (see the class summary for the order).</summary>
    /// <exception cref="DirectoryNotFoundException">Nothing found; the message lists where it looked.</exception>
    public static ModelCatalog Locate(string? explicitDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return Open(explicitDirectory);
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (!File.Exists(Path.Combine(fromEnvironment, ModelManifest.FileName)))
            {
                throw new DirectoryNotFoundException(
                    $"{EnvironmentVariable}={fromEnvironment}, but there is no {ModelManifest.FileName} in it");
            }
            return Open(fromEnvironment);
        }

        var searched = new List<string>();
        var besideApplication = Path.Combine(AppContext.BaseDirectory, "models");
        searched.Add(besideApplication);
        if (File.Exists(Path.Combine(besideApplication, ModelManifest.FileName)))
        {
            return Open(besideApplication);
        }
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "models");
                if (File.Exists(Path.Combine(candidate, ModelManifest.FileName)))
                {
                    return Open(candidate);
                }
            }
            searched.Add($"folders above {start}");
        }
        throw new DirectoryNotFoundException(
            $"models/{ModelManifest.FileName} not found; set {EnvironmentVariable} or configure the models directory. Looked in: {string.Join("; ", searched)}");
    }

    /// <summary>The description of the model under <paramref name="key"/> (see <see cref="ModelNames"/>).</summary>
    public ModelDescription Get(string key) => Manifest.Get(key);

    /// <summary>The full path of the model file under <paramref name="key"/>.</summary>
    public string GetModelPath(string key) => Path.Combine(Directory, Manifest.Get(key).File);

    /// <summary>Checks every model file: present, and with the SHA-256 the manifest pins.</summary>
    public IReadOnlyList<ModelVerification> Verify()
    {
        var results = new List<ModelVerification>(Manifest.Models.Count);
        foreach (var (key, model) in Manifest.Models)
        {
            results.Add(Verify(key, model));
        }
        return results;
    }

    /// <summary>Checks one model file.</summary>
    public ModelVerification Verify(string key) => Verify(key, Manifest.Get(key));

    private ModelVerification Verify(string key, ModelDescription model)
    {
        var path = Path.Combine(Directory, model.File);
        var expected = model.Sha256.ToLowerInvariant();
        if (!File.Exists(path))
        {
            return new ModelVerification(key, path, ModelFileStatus.Missing, expected, null);
        }
        string actual;
        using (var stream = File.OpenRead(path))
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        var status = actual == expected ? ModelFileStatus.Ok : ModelFileStatus.ChecksumMismatch;
        return new ModelVerification(key, path, status, expected, actual);
    }
}
