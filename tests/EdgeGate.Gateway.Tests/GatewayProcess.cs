using System.Diagnostics;
using System.Reflection;
using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests;

/// <summary>Runs the real `edgegate` program as a child process.</summary>
internal static class GatewayProcess
{
    /// <param name="Output">Standard output, then standard error.</param>
    /// <param name="StandardOutput">Standard output alone (e.g. a command's JSON).</param>
    public sealed record Result(int ExitCode, string Output, string StandardOutput);

    /// <summary>
    /// The gateway as built for this test run, laid out as ./build.sh publish packs it: the program,
    /// the native libraries of this architecture (ONNX Runtime, SQLite), the shim and the models.
    /// The copy of the program beside the tests has no flat native libraries: the tests are not
    /// built for one architecture.
    /// </summary>
    public static string ProgramFolder
    {
        get
        {
            var configuration = typeof(GatewayProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var folder = Path.Combine(RepositoryPaths.Root, "src", "EdgeGate.Gateway", "bin", configuration, "net10.0");
            Assert.True(File.Exists(Path.Combine(folder, "edgegate")), $"the gateway is not built in {folder}");
            return folder;
        }
    }

    /// <summary>The program's assembly, to run with <c>dotnet</c>.</summary>
    public static string ProgramAssembly => Path.Combine(ProgramFolder, "edgegate.dll");

    public static Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgramAsync("dotnet", workingDirectory, timeout, environment: null, [ProgramAssembly, .. arguments]);

    /// <summary>
    /// Runs any program (an installed `edgegate`, a script) to its end, killing it after
    /// <paramref name="timeout"/>; <paramref name="environment"/> sets variables, a null value removes one.
    /// </summary>
    public static async Task<Result> RunProgramAsync(
        string fileName,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment,
        params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {fileName}");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        var output = await standardOutput;
        return new Result(process.ExitCode, output + await standardError, output);
    }
}
