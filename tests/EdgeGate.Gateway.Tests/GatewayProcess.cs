using System.Diagnostics;

namespace EdgeGate.Gateway.Tests;

/// <summary>Runs the real `edgegate` program (built next to the tests) as a child process.</summary>
internal static class GatewayProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgramAsync("dotnet", workingDirectory, timeout, environment: null, [Path.Combine(AppContext.BaseDirectory, "edgegate.dll"), .. arguments]);

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
        return new Result(process.ExitCode, await standardOutput + await standardError);
    }
}
