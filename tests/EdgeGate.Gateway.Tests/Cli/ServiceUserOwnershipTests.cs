using System.Text.Json.Nodes;
using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Uplink;
using EdgeGate.Gateway.Cli;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary>
/// Commands run as root on a box whose data and credentials folders belong to the service user
/// (here `nobody`, as install.sh gives them to `edgegate`): every file they create goes to that user,
/// who can then open it.
/// </summary>
public sealed class ServiceUserOwnershipTests(ITestOutputHelper output) : IDisposable
{
    private const int ServiceUser = 65534;
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-owner-").FullName;

    private string ConfigPath => Path.Combine(directory, "edgegate.json");

    private string DataDirectory => Path.Combine(directory, "data");

    private string CredentialsDirectory => Path.Combine(directory, "credentials");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [RootFact]
    public async Task Files_root_creates_with_the_command_line_belong_to_the_service_user_who_can_then_open_them()
    {
        PrepareFoldersOfTheServiceUser();
        await WriteConfigurationAsync();
        var ca = Path.Combine(directory, "ca.pem");
        await File.WriteAllTextAsync(ca, ProvisionCommandTests.CreateCaPem("Platform CA"));
        var password = Path.Combine(directory, "password.txt");
        await File.WriteAllTextAsync(password, "s3cret\n");

        var provisioned = await InProcessCli.RunAsync([ProvisionCommand.Create()],
            ["provision", "--site", "s-1", "--gateway", "g-1", "--broker", "127.0.0.1:8883", "--ca", ca, "--username", "g-1",
             "--password-file", password, "--config", ConfigPath], output);
        Assert.Equal(0, provisioned.ExitCode);
        Assert.Contains($"template key:   {Path.Combine(CredentialsDirectory, TemplateKeyStore.KeyFileName)} (created)", provisioned.Output, StringComparison.Ordinal);
        Assert.Contains($"API token:      {ApiTokenStore.PathIn(CredentialsDirectory)} (created)", provisioned.Output, StringComparison.Ordinal);

        var added = await InProcessCli.RunAsync([PersonsCommand.Create()], ["persons", "add", "r-1", "--name", "Resident One", "--config", ConfigPath], output);
        Assert.Equal(0, added.ExitCode);

        foreach (var file in new[] { UplinkConnection.PasswordFileName, TemplateKeyStore.KeyFileName, ApiTokenStore.TokenFileName })
        {
            var path = Path.Combine(CredentialsDirectory, file);
            Assert.Equal((ServiceUser, ServiceUser), FileOwnership.OwnerOf(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        var database = Path.Combine(DataDirectory, GatewayDatabase.FileName);
        Assert.Equal((ServiceUser, ServiceUser), FileOwnership.OwnerOf(database));
        Assert.All(Directory.GetFiles(DataDirectory), file => Assert.Equal((ServiceUser, ServiceUser), FileOwnership.OwnerOf(file)));

        // The service user opens (and writes) what root created: the database, the key, the token.
        var asServiceUser = await GatewayProcess.RunProgramAsync("setpriv", directory, CommandBound,
            new Dictionary<string, string?> { ["HOME"] = directory, ["DOTNET_CLI_HOME"] = directory },
            $"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--clear-groups", "--",
            "dotnet", GatewayProcess.ProgramAssembly, "persons", "suspend", "r-1", "--config", ConfigPath);
        output.WriteLine($"$ (as user {ServiceUser}) edgegate persons suspend r-1 -> {asServiceUser.ExitCode}\n{asServiceUser.Output}");
        Assert.True(asServiceUser.ExitCode == 0, asServiceUser.Output);
        Assert.Contains("r-1 is now suspended", asServiceUser.Output, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task A_file_left_to_root_by_an_older_release_is_named_by_doctor_and_by_the_service_with_what_to_do()
    {
        PrepareFoldersOfTheServiceUser();
        await WriteConfigurationAsync();
        // What a release without the hand-over left: root's key, 0600, in the service user's folder.
        TemplateKeyStore.LoadOrCreate(CredentialsDirectory).Dispose();
        var key = Path.Combine(CredentialsDirectory, TemplateKeyStore.KeyFileName);
        FileOwnership.CopyOwner("/", key);
        Assert.Equal((0, 0), FileOwnership.OwnerOf(key));
        // And a password an installer wrote by hand as root.
        var lockPassword = Path.Combine(CredentialsDirectory, LockBrokerOptions.PasswordFileName);
        await File.WriteAllTextAsync(lockPassword, "z2m\n");
        File.SetUnixFileMode(lockPassword, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var doctor = await GatewayProcess.RunAsync(directory, CommandBound, "doctor", "--config", ConfigPath);
        output.WriteLine($"$ edgegate doctor --config {ConfigPath} -> {doctor.ExitCode}\n{doctor.Output}");
        Assert.Equal(1, doctor.ExitCode);
        Assert.Contains($"[FAIL] template-key: {key} belongs to user 0 (group 0), its folder to user {ServiceUser}", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"what to do: run: chown --reference={CredentialsDirectory} {key}", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] {LockBrokerOptions.PasswordFileName}: {lockPassword} belongs to user 0 (group 0), its folder to user {ServiceUser}", doctor.Output, StringComparison.Ordinal);

        var run = await GatewayProcess.RunProgramAsync("setpriv", directory, CommandBound,
            new Dictionary<string, string?> { ["HOME"] = directory, ["DOTNET_CLI_HOME"] = directory },
            $"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--clear-groups", "--",
            "dotnet", GatewayProcess.ProgramAssembly, "run", "--config", ConfigPath);
        output.WriteLine($"$ (as user {ServiceUser}) edgegate run -> {run.ExitCode}\n{run.Output}");
        Assert.Equal(RunCommand.CannotStartExitCode, run.ExitCode);
        // One line, saying which file and what to do.
        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"edgegate run: cannot start: cannot read the credential file {key}: Access to the path '{key}' is denied. It must belong to the user the gateway runs as", line, StringComparison.Ordinal);
        Assert.Contains($"chown edgegate:edgegate {key}", line, StringComparison.Ordinal);
    }

    /// <summary>Every folder in the test's own: nothing may land in /etc/edgegate or /var/lib/edgegate of the machine.</summary>
    private Task WriteConfigurationAsync()
    {
        var configuration = new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["SiteId"] = "s-1",
                ["GatewayId"] = "g-1",
                ["DataDirectory"] = DataDirectory,
                ["CredentialsDirectory"] = CredentialsDirectory,
                ["LogDirectory"] = "",
            },
            ["Api"] = new JsonObject { ["Enabled"] = false },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log" } },
        };
        return File.WriteAllTextAsync(ConfigPath, configuration.ToJsonString());
    }

    /// <summary>The layout install.sh makes: the data folder and the private credentials folder belong to the service user.</summary>
    private void PrepareFoldersOfTheServiceUser()
    {
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(CredentialsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var folder in new[] { DataDirectory, CredentialsDirectory })
        {
            var chown = System.Diagnostics.Process.Start("chown", [$"{ServiceUser}:{ServiceUser}", folder])!;
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }
    }
}
