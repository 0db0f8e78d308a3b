using System.CommandLine;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary>Runs `edgegate` commands inside the test process with their output captured.</summary>
internal static class InProcessCli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>A Gateway configuration section keeping data, credentials and nothing else under <paramref name="directory"/> (no log files).</summary>
    public static JsonObject GatewaySection(string directory, string? timeZone = null)
    {
        var gateway = new JsonObject
        {
            ["SiteId"] = "cli-site",
            ["GatewayId"] = "cli-gate",
            ["DataDirectory"] = Path.Combine(directory, "data"),
            ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
            ["LogDirectory"] = "",
        };
        if (timeZone is not null)
        {
            gateway["TimeZone"] = timeZone;
        }
        return gateway;
    }

    /// <summary>
    /// Parses <paramref name="arguments"/> against a root holding <paramref name="commands"/> and
    /// invokes it; <paramref name="log"/> gets the command line and everything it printed.
    /// </summary>
    public static async Task<Result> RunAsync(
        IEnumerable<Command> commands,
        IReadOnlyList<string> arguments,
        ITestOutputHelper? log = null,
        CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("test");
        foreach (var command in commands)
        {
            root.Add(command);
        }
        var standardOutput = new StringWriter();
        var standardError = new StringWriter();
        var exitCode = await root.Parse(arguments).InvokeAsync(
            new InvocationConfiguration { Output = standardOutput, Error = standardError }, cancellationToken);
        log?.WriteLine($"$ edgegate {string.Join(' ', arguments)} -> {exitCode}\n{standardOutput}{standardError}");
        return new Result(exitCode, standardOutput.ToString(), standardError.ToString());
    }
}
