using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Doctor;

public sealed class DoctorCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string workDirectory = Directory.CreateTempSubdirectory("edgegate-doctor-").FullName;

    [Fact]
    public async Task On_a_set_up_machine_every_check_passes()
    {
        var result = await GatewayProcess.RunAsync(workDirectory, Timeout, "doctor");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("[ OK ] ONNX Runtime: 1.32.0 (native library ", result.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] model embedding: fr_feature.onnx present, checksum matches the manifest", result.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] OpenCV shim: ABI", result.Output, StringComparison.Ordinal);
        Assert.Contains("doctor: all checks passed", result.Output, StringComparison.Ordinal);
        // Without a configuration the data folder is ./data: doctor checks it could be created, and leaves nothing behind.
        Assert.Contains($"[WARN] data folder: {Path.Combine(workDirectory, "data")} does not exist yet; it is created in {workDirectory} on first run", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(workDirectory));
    }

    [Fact]
    public async Task A_corrupted_model_fails_with_a_plain_sentence()
    {
        var models = Path.Combine(workDirectory, "models");
        Directory.CreateDirectory(models);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "models")))
        {
            File.Copy(file, Path.Combine(models, Path.GetFileName(file)));
        }
        await using (var stream = File.OpenWrite(Path.Combine(models, "fr_feature.onnx")))
        {
            stream.Position = 1000;
            stream.WriteByte(0x5A);
            stream.WriteByte(0xA5);
        }

        var result = await GatewayProcess.RunAsync(workDirectory, Timeout, "doctor", "--models", models);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[FAIL] model embedding:", result.Output, StringComparison.Ordinal);
        Assert.Contains("is damaged or a different model", result.Output, StringComparison.Ordinal);
        Assert.Contains("what to do: delete the file and run ./build.sh setup", result.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] model detect:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_onnx_runtime_library_fails_with_a_plain_sentence()
    {
        // The built program without libonnxruntime.so, as a damaged installation would be.
        var program = Path.Combine(workDirectory, "program");
        var copied = await GatewayProcess.RunProgramAsync("cp", workDirectory, Timeout, environment: null, "-a", GatewayProcess.ProgramFolder, program);
        Assert.True(copied.ExitCode == 0, copied.Output);
        File.Delete(Path.Combine(program, "libonnxruntime.so"));

        var result = await GatewayProcess.RunProgramAsync(Path.Combine(program, "edgegate"), workDirectory, Timeout, environment: null, "doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[FAIL] ONNX Runtime: the ONNX Runtime library (libonnxruntime.so from the Microsoft.ML.OnnxRuntime package) cannot be loaded", result.Output, StringComparison.Ordinal);
        Assert.Contains("what to do: install the package again: libonnxruntime.so belongs next to the program", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] model embedding:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_configuration_is_reported_key_by_key()
    {
        var config = Path.Combine(workDirectory, "edgegate.json");
        await File.WriteAllTextAsync(config, """{ "Gateway": { "SiteId": "a b", "GatewayId": "g" }, "Doors": [ { "Name": "d", "Kind": "ModbusRtu" } ] }""");

        var result = await GatewayProcess.RunAsync(workDirectory, Timeout, "doctor", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Gateway:SiteId: SiteId may hold letters, digits", result.Output, StringComparison.Ordinal);
        Assert.Contains("Doors:0:ModbusRtu: required when Kind is ModbusRtu", result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(workDirectory, recursive: true);
}
