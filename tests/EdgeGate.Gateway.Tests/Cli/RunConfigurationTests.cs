using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Tests.Doctor;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary>
/// <c>edgegate run</c> with a configuration it cannot run: it says which keys are wrong and why, in
/// plain words, reports nothing to systemd and exits with the code the unit does not restart on.
/// </summary>
public sealed class RunConfigurationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-run-config-").FullName;

    [Fact]
    public async Task A_bad_configuration_stops_the_service_before_it_starts_naming_each_key_with_an_exit_code_systemd_does_not_restart()
    {
        var configuration = Path.Combine(directory, "edgegate.json");
        await File.WriteAllTextAsync(configuration, new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["SiteId"] = "run-site",
                ["GatewayId"] = "run-gate",
                ["DataDirectory"] = Path.Combine(directory, "data"),
                ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
                ["LogDirectory"] = "",
            },
            ["Recognition"] = new JsonObject { ["VotesRequired"] = 9, ["VoteWindow"] = 5 },
            ["Api"] = new JsonObject { ["Enabled"] = false },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log", ["PulseLength"] = "3s" } },
        }.ToJsonString());
        var socketName = $"edgegate-test-notify-{Guid.NewGuid():N}";
        using var notifySocket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notifySocket.Bind(new UnixDomainSocketEndPoint("\0" + socketName));

        var run = await GatewayProcess.RunProgramAsync("dotnet", directory, TimeSpan.FromSeconds(60),
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = "@" + socketName },
            GatewayProcess.ProgramAssembly, "run", "--config", configuration);

        Assert.Equal(RunCommand.CannotStartExitCode, run.ExitCode);
        var unit = SystemdUnit.Load(Path.Combine(RepositoryPaths.Root, "deploy", "edgegate.service"));
        Assert.Contains(RunCommand.CannotStartExitCode.ToString(CultureInfo.InvariantCulture), unit.Words("RestartPreventExitStatus"));
        // Every problem, one line each, and nothing else (no stack trace, no host start-up).
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd()).ToList();
        Assert.Equal("invalid configuration:", lines[0]);
        Assert.Equal(
            new[]
            {
                "  Doors:0:PulseLength: '3s' is not a duration like 00:00:03 (hh:mm:ss)",
                "  Recognition:VotesRequired: must not exceed Recognition:VoteWindow",
            },
            lines.Skip(1).Order(StringComparer.Ordinal));
        Assert.Equal(0, notifySocket.Available);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
