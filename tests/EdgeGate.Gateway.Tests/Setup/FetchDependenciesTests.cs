using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeGate.TestSupport;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Setup;

/// <summary>
/// tools/fetch-deps.mjs (the download step of <c>./build.sh setup</c>) in a copy of the repository's
/// relevant folders: the pinned files it finds are the ones setup fetched here, the npm cache holds the
/// verified tarballs, and <c>npm</c> is a trap that records any call, so nothing is downloaded.
/// </summary>
public sealed class FetchDependenciesTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const string FacePackage = "faceplugin-face-recognition-js@0.0.1";
    private const string FaceTarball = "faceplugin-face-recognition-js-0.0.1.tgz";

    private readonly string root = Directory.CreateTempSubdirectory("edgegate-fetch-test-").FullName;

    private string Models => Path.Combine(root, "models");

    private string Temporary => Path.Combine(root, "tmp");

    private string NpmCalls => Path.Combine(root, "npm-calls.log");

    [Fact]
    public async Task A_second_run_verifies_what_is_there_and_fetches_nothing()
    {
        LayOut(RepositoryManifest());

        var result = await RunAsync(PathWithNpmTrap());

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("fetch-deps: models and sample photos present and verified.", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("npm pack", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("installed", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(NpmCalls), File.Exists(NpmCalls) ? File.ReadAllText(NpmCalls) : "");
        // ONNX Runtime is a NuGet package now: setup fetches no native library of it from npm.
        Assert.False(Directory.Exists(Path.Combine(root, ".deps", "onnxruntime")));
    }

    [Fact]
    public async Task A_damaged_model_is_replaced_from_the_cached_package_without_a_download()
    {
        var manifest = RepositoryManifest();
        await PackCachedFaceTarballAsync(manifest);
        LayOut(manifest, except: "fr_feature.onnx");
        var damaged = Path.Combine(Models, "fr_feature.onnx");
        File.Copy(Path.Combine(RepositoryPaths.Root, "models", "fr_feature.onnx"), damaged);
        using (var stream = File.OpenWrite(damaged))
        {
            stream.Position = 1000;
            stream.WriteByte(0x5A);
        }

        var result = await RunAsync(PathWithNpmTrap());

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("fetch-deps: installed models/fr_feature.onnx", result.Output, StringComparison.Ordinal);
        Assert.Equal(ModelSha256(manifest, "embedding"), Sha256(damaged));
        Assert.False(File.Exists(NpmCalls), File.Exists(NpmCalls) ? File.ReadAllText(NpmCalls) : "");
        Assert.Empty(Directory.GetFileSystemEntries(Temporary));
    }

    [Fact]
    public async Task A_model_that_differs_from_the_manifest_is_not_installed_and_the_message_says_what_to_do()
    {
        var manifest = RepositoryManifest();
        var actual = ModelSha256(manifest, "embedding");
        var pinned = new string('0', 64);
        manifest["models"]!["embedding"]!["sha256"] = pinned;
        await PackCachedFaceTarballAsync(manifest);
        LayOut(manifest, except: "fr_feature.onnx");

        var result = await RunAsync(PathWithNpmTrap());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            $"fetch-deps: package/model/fr_feature.onnx from {FacePackage} has SHA-256 {actual}, models/manifest.json pins {pinned}; nothing was installed.",
            result.Output, StringComparison.Ordinal);
        Assert.Contains("restore models/manifest.json (git checkout models/manifest.json)", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("    at ", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Models, "fr_feature.onnx")), "a file with the wrong checksum was installed");
        Assert.False(File.Exists(Path.Combine(Models, "fr_feature.onnx.part")), "a partial file was left behind");
        Assert.Empty(Directory.GetFileSystemEntries(Temporary));
        Assert.False(File.Exists(NpmCalls), File.Exists(NpmCalls) ? File.ReadAllText(NpmCalls) : "");
    }

    [Fact]
    public async Task Without_npm_a_missing_package_stops_with_what_to_install()
    {
        LayOut(RepositoryManifest(), except: "fr_feature.onnx");
        var onlyNode = Path.Combine(root, "only-node");
        Directory.CreateDirectory(onlyNode);
        File.CreateSymbolicLink(Path.Combine(onlyNode, "node"), NodeExecutable());

        var result = await RunAsync(onlyNode);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fetch-deps: npm is not installed: install the Debian packages nodejs and npm", result.Output, StringComparison.Ordinal);
        Assert.Contains("then run ./build.sh setup again.", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("    at ", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Models, "fr_feature.onnx")));
        Assert.Empty(Directory.GetFileSystemEntries(Temporary));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<GatewayProcess.Result> RunAsync(string path)
    {
        var result = await GatewayProcess.RunProgramAsync(NodeExecutable(), root, Bound,
            new Dictionary<string, string?> { ["PATH"] = path, ["TMPDIR"] = Temporary },
            Path.Combine(root, "tools", "fetch-deps.mjs"));
        output.WriteLine($"exit {result.ExitCode}\n{result.Output}");
        return result;
    }

    private static JsonObject RepositoryManifest() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "models", "manifest.json")))!.AsObject();

    private static string ModelSha256(JsonObject manifest, string key) => manifest["models"]![key]!["sha256"]!.GetValue<string>();

    /// <summary>
    /// The script and <paramref name="manifest"/>, with every pinned file setup fetched into this
    /// repository linked into place, except the model file <paramref name="except"/>.
    /// </summary>
    private void LayOut(JsonObject manifest, string? except = null)
    {
        Directory.CreateDirectory(Path.Combine(root, "tools"));
        Directory.CreateDirectory(Models);
        Directory.CreateDirectory(Temporary);
        Directory.CreateDirectory(Path.Combine(root, ".deps", "npm"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "tools", "fetch-deps.mjs"), Path.Combine(root, "tools", "fetch-deps.mjs"));
        File.WriteAllText(Path.Combine(Models, "manifest.json"), manifest.ToJsonString());
        foreach (var (_, model) in manifest["models"]!.AsObject())
        {
            var file = model!["file"]!.GetValue<string>();
            if (file != except)
            {
                LinkFetched(Path.Combine("models", file));
            }
        }
        foreach (var sample in manifest["samples"]!["files"]!.AsArray())
        {
            LinkFetched(Path.Combine(".deps", "samples", Path.GetFileName(sample!["path"]!.GetValue<string>())));
        }
    }

    private void LinkFetched(string relativePath)
    {
        var source = Path.Combine(RepositoryPaths.Root, relativePath);
        Assert.True(File.Exists(source), $"{source} is missing: run ./build.sh setup first");
        var destination = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.CreateSymbolicLink(destination, source);
    }

    /// <summary>
    /// Puts a face-model package into the npm cache and pins its checksum in <paramref name="manifest"/>,
    /// as setup leaves them after a download. Packed here from the installed model (same path inside
    /// the tarball as the real package): a machine whose models were already in place never cached the
    /// registry's tarball, and the test must not download it.
    /// </summary>
    private async Task PackCachedFaceTarballAsync(JsonObject manifest)
    {
        var staging = Path.Combine(root, "staging");
        Directory.CreateDirectory(Path.Combine(staging, "package", "model"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "models", "fr_feature.onnx"), Path.Combine(staging, "package", "model", "fr_feature.onnx"));
        var tarball = Path.Combine(root, ".deps", "npm", FaceTarball);
        Directory.CreateDirectory(Path.GetDirectoryName(tarball)!);
        var packed = await GatewayProcess.RunProgramAsync("tar", root, Bound, environment: null, "-czf", tarball, "-C", staging, "package");
        Assert.True(packed.ExitCode == 0, packed.Output);
        Directory.Delete(staging, recursive: true);
        manifest["packages"]![FacePackage]!["tarballSha256"] = Sha256(tarball);
    }

    /// <summary>A PATH whose first entry is an <c>npm</c> that records its call and fails.</summary>
    private string PathWithNpmTrap()
    {
        var traps = Path.Combine(root, "traps");
        Directory.CreateDirectory(traps);
        var npm = Path.Combine(traps, "npm");
        File.WriteAllText(npm, $"#!/bin/sh\necho \"npm $*\" >> '{NpmCalls}'\nexit 1\n");
        File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return $"{traps}:{Environment.GetEnvironmentVariable("PATH")}";
    }

    private static string NodeExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "node"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("node is not on PATH: ./build.sh setup installs nodejs, which runs tools/fetch-deps.mjs");

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
