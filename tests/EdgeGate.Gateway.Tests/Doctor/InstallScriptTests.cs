using System.Text.Json.Nodes;
using EdgeGate.TestSupport;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Doctor;

/// <summary>
/// deploy/install.sh into a staging root (--destdir), as an unprivileged user, with apt, systemctl
/// and the user tools replaced by traps that record any call; then the installed program's own
/// doctor checks the installed tree.
/// </summary>
public sealed class InstallScriptTests(ITestOutputHelper output) : IDisposable
{
    private const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly TimeSpan InstallBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DoctorBound = TimeSpan.FromSeconds(45);

    /// <summary>Commands a staging install must never run.</summary>
    private static readonly string[] Forbidden = ["apt-get", "dpkg-query", "useradd", "chown", "chgrp", "systemctl", "sudo"];

    private readonly string directory = CreateWorldReadableDirectory();

    [Fact]
    public async Task Install_into_a_destdir_needs_no_root_and_the_installed_doctor_passes()
    {
        var package = GatewayProcess.ProgramFolder;
        var root = Path.Combine(directory, "root");
        Directory.CreateDirectory(root);
        // The unprivileged installer must be able to write into its staging root.
        File.SetUnixFileMode(root, Everyone | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        var calls = Path.Combine(directory, "forbidden-calls.log");
        var traps = CreateTraps(calls);
        var config = Path.Combine(directory, "site.json");
        File.WriteAllText(config, Configuration(root).ToJsonString());
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var script = Path.Combine(RepositoryPaths.Root, "deploy", "install.sh");
        string[] install = ["bash", script, "--package", package, "--config", config, "--destdir", root];
        // As root, drop to nobody: the staging install must work without privileges.
        var command = Environment.IsPrivilegedProcess
            ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", .. install]
            : install;
        var installed = await GatewayProcess.RunProgramAsync(command[0], directory, InstallBound,
            new Dictionary<string, string?> { ["PATH"] = $"{traps}:{Environment.GetEnvironmentVariable("PATH")}" },
            command[1..]);
        output.WriteLine($"$ {string.Join(' ', command)} -> {installed.ExitCode}\n{installed.Output}");

        Assert.True(installed.ExitCode == 0, installed.Output);
        Assert.False(File.Exists(calls), File.Exists(calls) ? "install.sh --destdir ran: " + File.ReadAllText(calls) : "");
        Assert.Contains($"install.sh: installed into {root}", installed.Output, StringComparison.Ordinal);

        var program = Path.Combine(root, "opt", "edgegate", "edgegate");
        Assert.True(File.Exists(program), "no program in opt/edgegate");
        Assert.True(File.GetUnixFileMode(program).HasFlag(UnixFileMode.UserExecute), "the program is not executable");
        Assert.True(File.Exists(Path.Combine(root, "opt", "edgegate", "libonnxruntime.so")));
        Assert.True(File.Exists(Path.Combine(root, "opt", "edgegate", "models", "manifest.json")));
        var installedConfig = Path.Combine(root, "etc", "edgegate", "edgegate.json");
        Assert.Equal(File.ReadAllText(config), File.ReadAllText(installedConfig));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(installedConfig));
        var credentials = Path.Combine(root, "etc", "edgegate", "credentials");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(credentials));
        Assert.True(Directory.Exists(Path.Combine(root, "var", "lib", "edgegate")));
        Assert.Equal(
            File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "edgegate.service")),
            File.ReadAllText(Path.Combine(root, "etc", "systemd", "system", "edgegate.service")));
        Assert.True(File.Exists(Path.Combine(root, "etc", "udev", "rules.d", "99-edgegate-serial.rules.example")));
        // The unit's Documentation= (shown by `systemctl status`) must name documents the installed package holds.
        var documents = SystemdUnit.Load(Path.Combine(root, "etc", "systemd", "system", "edgegate.service"), "[Unit]").Words("Documentation");
        Assert.Contains("file:///opt/edgegate/docs/configuration.md", documents);
        foreach (var document in documents)
        {
            Assert.StartsWith("file:///opt/edgegate/", document, StringComparison.Ordinal);
            var installedDocument = Path.Combine(root, new Uri(document).AbsolutePath.TrimStart('/'));
            Assert.True(File.Exists(installedDocument), $"Documentation={document}: {installedDocument} is not installed");
        }

        // The installed program, not the test build: its libraries and models must be found next to it.
        var doctor = await GatewayProcess.RunProgramAsync(program, directory, DoctorBound,
            new Dictionary<string, string?>
            {
                ["EDGEGATE_MODELS"] = null,
                ["EDGEGATE_CONFIG"] = null,
                ["CREDENTIALS_DIRECTORY"] = null,
            },
            "doctor", "--config", installedConfig);
        output.WriteLine($"$ {program} doctor --config {installedConfig} -> {doctor.ExitCode}\n{doctor.Output}");

        var opt = Path.Combine(root, "opt", "edgegate");
        Assert.True(doctor.ExitCode == 0, doctor.Output);
        Assert.Contains($"[ OK ] configuration: {installedConfig} is valid", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] ONNX Runtime: 1.32.0 (native library {Path.Combine(opt, "libonnxruntime.so")})", doctor.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] model embedding: fr_feature.onnx present, checksum matches the manifest", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] OpenCV shim: ABI", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"from {Path.Combine(opt, "libedgegate_cv.so")}", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] data folder: {Path.Combine(root, "var", "lib", "edgegate")} is writable", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] credentials folder: {credentials} is private (0700)", doctor.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] door gate: log door, no hardware", doctor.Output, StringComparison.Ordinal);
        Assert.Contains("doctor: all checks passed", doctor.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_for_another_architecture_is_refused_before_anything_is_installed()
    {
        // The built program with the other gate-box architecture in its ELF header (e_machine, bytes 18-19).
        var package = Path.Combine(directory, "foreign-package");
        Directory.CreateDirectory(Path.Combine(package, "models"));
        var program = File.ReadAllBytes(Path.Combine(GatewayProcess.ProgramFolder, "edgegate"));
        var (foreign, foreignName) = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? ((byte)0x3e, "x86_64")
            : ((byte)0xb7, "aarch64");
        program[18] = foreign;
        program[19] = 0;
        File.WriteAllBytes(Path.Combine(package, "edgegate"), program);
        File.SetUnixFileMode(Path.Combine(package, "edgegate"), Everyone);
        File.WriteAllText(Path.Combine(package, "libonnxruntime.so"), "");
        File.Copy(Path.Combine(GatewayProcess.ProgramFolder, "models", "manifest.json"), Path.Combine(package, "models", "manifest.json"));
        var calls = Path.Combine(directory, "forbidden-calls.log");
        var traps = CreateTraps(calls);

        // A real install (no --destdir), as nobody: if the check let it through, nothing could be written anyway.
        string[] install = ["bash", Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"), "--package", package];
        var command = Environment.IsPrivilegedProcess
            ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", .. install]
            : install;
        var refused = await GatewayProcess.RunProgramAsync(command[0], directory, InstallBound,
            new Dictionary<string, string?> { ["PATH"] = $"{traps}:{Environment.GetEnvironmentVariable("PATH")}" },
            command[1..]);
        output.WriteLine($"$ {string.Join(' ', command)} -> {refused.ExitCode}\n{refused.Output}");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"is built for {foreignName}, this box is {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch { System.Runtime.InteropServices.Architecture.Arm64 => "aarch64", _ => "x86_64" }}", refused.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(calls), File.Exists(calls) ? "install.sh went on: " + File.ReadAllText(calls) : "");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_says_what_the_script_does_its_options_files_and_documents(string option)
    {
        var calls = Path.Combine(directory, "forbidden-calls.log");
        var traps = CreateTraps(calls);

        var help = await GatewayProcess.RunProgramAsync("bash", directory, InstallBound,
            new Dictionary<string, string?> { ["PATH"] = $"{traps}:{Environment.GetEnvironmentVariable("PATH")}" },
            Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"), option);
        output.WriteLine($"$ install.sh {option} -> {help.ExitCode}\n{help.Output}");

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.StartsWith("Usage: deploy/install.sh --package DIR", help.Output, StringComparison.Ordinal);
        foreach (var expected in new[] { "--config FILE", "--destdir DIR", "--no-apt", "--no-systemd", "/etc/edgegate/credentials/", "/etc/systemd/system/edgegate.service" })
        {
            Assert.Contains(expected, help.Output, StringComparison.Ordinal);
        }
        // The documents it names are the ones the package carries.
        foreach (var document in new[] { "README.md", "docs/configuration.md", "docs/api.md" })
        {
            Assert.Contains("/opt/edgegate/" + document, help.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(GatewayProcess.ProgramFolder, document)), $"the package lacks {document}");
        }
        Assert.False(File.Exists(calls), File.Exists(calls) ? "install.sh --help went on: " + File.ReadAllText(calls) : "");
    }

    [Theory]
    [InlineData("--bogus", "install.sh: unknown option --bogus")]
    [InlineData("--package", "install.sh: --package needs a value")]
    public async Task A_bad_option_is_a_usage_error_that_shows_the_usage(string option, string message)
    {
        var refused = await GatewayProcess.RunProgramAsync("bash", directory, InstallBound, null,
            Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"), option);
        output.WriteLine($"$ install.sh {option} -> {refused.ExitCode}\n{refused.Output}");

        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith(message + "\nUsage: deploy/install.sh", refused.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A configuration for the staging root: paths inside it, one log door, no camera, no uplink.</summary>
    private static JsonObject Configuration(string root) => new()
    {
        ["Gateway"] = new JsonObject
        {
            ["SiteId"] = "staging-site",
            ["GatewayId"] = "staging-gate",
            ["DataDirectory"] = Path.Combine(root, "var", "lib", "edgegate"),
            ["CredentialsDirectory"] = Path.Combine(root, "etc", "edgegate", "credentials"),
            ["LogDirectory"] = Path.Combine(root, "var", "log", "edgegate"),
        },
        ["Api"] = new JsonObject { ["Enabled"] = false },
        ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log" } },
    };

    /// <summary>A folder of scripts named like the forbidden commands: each records its call and fails.</summary>
    private string CreateTraps(string calls)
    {
        var traps = Path.Combine(directory, "traps");
        Directory.CreateDirectory(traps);
        File.SetUnixFileMode(traps, Everyone);
        // The log sits in a folder everyone may write, so an unprivileged caller can record too.
        File.SetUnixFileMode(directory, Everyone | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        foreach (var name in Forbidden)
        {
            var path = Path.Combine(traps, name);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $*\" >> '{calls}'\nexit 1\n");
            File.SetUnixFileMode(path, Everyone);
        }
        return traps;
    }

    private static string CreateWorldReadableDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegate-install-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, Everyone);
        return path;
    }
}
