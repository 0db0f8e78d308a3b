using System.CommandLine;
using System.Text.Json;
using EdgeGate.Vision.Inference;
using EdgeGate.Tools.Bench;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary><c>edgegate bench onnx</c> run in-process, as the program runs it, on the real models (a few runs only).</summary>
public sealed class BenchOnnxCommandTests
{
    [Theory]
    [InlineData("fr_detect", "fr_detect.onnx", 2)]
    [InlineData("embedding", "fr_feature.onnx", 1)]
    public async Task Json_output_reports_median_p90_and_bytes_allocated_per_run(string model, string file, int threads)
    {
        var (exitCode, output, error) = await RunAsync("--model", model, "--threads", $"{threads}", "--runs", "5", "--warmup", "2", "--json");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(file, Path.GetFileName(root.GetProperty("model").GetString()));
        Assert.Equal("1.32.0", root.GetProperty("onnxruntime").GetString());
        Assert.Equal(threads, root.GetProperty("threads").GetInt32());
        Assert.Equal(5, root.GetProperty("runs").GetInt32());
        var median = root.GetProperty("medianMs").GetDouble();
        var p90 = root.GetProperty("p90Ms").GetDouble();
        Assert.True(median > 0 && median <= p90 && p90 <= root.GetProperty("maxMs").GetDouble(), output);
        Assert.Equal(0, root.GetProperty("bytesAllocatedPerRun").GetDouble());
    }

    [Fact]
    public async Task Text_output_names_the_figures_and_an_unknown_model_is_a_clear_error()
    {
        var text = await RunAsync("--model", "fr_landmark", "--runs", "3", "--warmup", "1");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("median", text.Output, StringComparison.Ordinal);
        Assert.Contains("p90", text.Output, StringComparison.Ordinal);
        Assert.Contains("bytes per run", text.Output, StringComparison.Ordinal);

        var unknown = await RunAsync("--model", "fr_pose", "--runs", "3");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("'fr_pose' is not a model name", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, unknown.Output);
    }

    [Fact]
    public async Task The_program_writes_nothing_into_the_home_folder()
    {
        // Official ONNX Runtime builds for Linux keep a telemetry device id and event store under
        // $HOME/.cache/Microsoft/DeveloperTools/.onnxruntime unless told not to before their first use.
        var home = Directory.CreateTempSubdirectory("edgegate-home-").FullName;
        try
        {
            var result = await GatewayProcess.RunProgramAsync("dotnet", home, TimeSpan.FromSeconds(60),
                new Dictionary<string, string?>
                {
                    ["HOME"] = home,
                    ["XDG_CACHE_HOME"] = null,
                    [OnnxRuntimeEnvironment.TelemetryOptOutVariable] = null,
                },
                GatewayProcess.ProgramAssembly, "bench", "onnx", "--model", "fr_landmark", "--runs", "20", "--warmup", "2");

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("bytes per run", result.Output, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(home, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static Task<InProcessCli.Result> RunAsync(params string[] arguments) =>
        InProcessCli.RunAsync([new Command("bench") { BenchOnnxCommand.Create() }], ["bench", "onnx", .. arguments]);
}
