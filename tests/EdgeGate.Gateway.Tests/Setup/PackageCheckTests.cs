using System.Runtime.InteropServices;
using EdgeGate.Configuration;
using EdgeGate.Evaluation;
using EdgeGate.TestSupport;
using EdgeGate.Tools.Eval;
using EdgeGate.Vision.Faces.Calibration;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Setup;

/// <summary>
/// tools/check-package.sh and tools/check-eval-figures.py, which <c>./build.sh publish</c> runs on
/// every package (the arm64 one under qemu): natively here, on the gateway as built for this test run,
/// laid out as a package, and on packages broken on purpose.
/// </summary>
public sealed class PackageCheckTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-package-check-test-").FullName;

    private static string Rid => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    private static string Elf => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "ARM aarch64" : "x86-64";

    [Fact]
    public async Task The_built_gateway_passes_its_doctor_and_the_eval_of_four_photos()
    {
        var figures = Path.Combine(directory, "eval.json");

        var result = await CheckPackageAsync(GatewayProcess.ProgramFolder, "--eval-json", figures);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"{Rid} package: edgegate and ", result.Output, StringComparison.Ordinal);
        Assert.Contains($"native libraries are ELF {Elf}, the OpenCV shim among them", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{Rid} package: doctor OK natively", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{Rid} package: eval of 4 photos OK natively: one face each, same person ", result.Output, StringComparison.Ordinal);
        Assert.Contains("rank-1 4/4", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"rank1_correct\": 4", File.ReadAllText(figures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_without_its_OpenCV_shim_or_with_a_library_for_another_machine_fails_before_running()
    {
        var package = Directory.CreateDirectory(Path.Combine(directory, "package")).FullName;
        var built = GatewayProcess.ProgramFolder;
        File.Copy(Path.Combine(built, "edgegate"), Path.Combine(package, "edgegate"));
        File.Copy(Path.Combine(built, "libonnxruntime.so"), Path.Combine(package, "libonnxruntime.so"));

        var withoutShim = await CheckPackageAsync(package);
        File.WriteAllText(Path.Combine(package, "libedgegate_cv.so"), "not a library");
        var foreignShim = await CheckPackageAsync(package);

        Assert.Equal(1, withoutShim.ExitCode);
        Assert.Contains($"check-package: {Rid} package: libedgegate_cv.so (the OpenCV shim) is missing in {package}", withoutShim.Output, StringComparison.Ordinal);
        Assert.Equal(1, foreignShim.ExitCode);
        Assert.Contains($"check-package: {Rid} package: not built for {Elf}: libedgegate_cv.so: ASCII text", foreignShim.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("doctor", foreignShim.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_missing_a_model_fails_its_doctor_check_with_the_doctor_output()
    {
        var package = CopyOfBuiltGateway();
        File.Delete(Path.Combine(package, "models", "fr_liveness.onnx"));

        var result = await CheckPackageAsync(package);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"[FAIL] model liveness: {Path.Combine(package, "models", "fr_liveness.onnx")} is missing", result.Output, StringComparison.Ordinal);
        Assert.Contains($"check-package: {Rid} package: doctor failed natively: it exited with status 1", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("eval of", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Figures_equal_to_the_reference_but_for_rounding_pass()
    {
        var reference = WriteFigures("reference.json", Evaluation(secondPhotoOfB: [0f, 0f, 0.8f, 0.6f]));
        var figures = WriteFigures("eval.json", Evaluation(secondPhotoOfB: [0f, 0f, 0.80001f, 0.59999f]));

        var result = await CheckFiguresAsync(figures, "--photos", "4", "--reference", reference);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("one face each, same person 0.800-0.800, different 0.000-0.000, rank-1 4/4, figures within 0.001 of the reference package's",
            result.Output.Trim());
    }

    [Fact]
    public async Task A_score_that_differs_from_the_reference_fails_and_names_the_figure()
    {
        var reference = WriteFigures("reference.json", Evaluation(secondPhotoOfB: [0f, 0f, 0.8f, 0.6f]));
        var figures = WriteFigures("eval.json", Evaluation(secondPhotoOfB: [0f, 0f, 0.78f, 0.6258f]));

        var result = await CheckFiguresAsync(figures, "--photos", "4", "--reference", reference);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("eval.cosine_same.min: 0.78", result.Output, StringComparison.Ordinal);
        Assert.Contains("the reference has 0.8", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_photo_without_exactly_one_face_or_a_wrong_nearest_person_fails()
    {
        var twoFaces = WriteFigures("two-faces.json", Evaluation(secondPhotoOfB: [0f, 0f, 0.8f, 0.6f], facesOnFirstPhoto: 2));
        var confused = WriteFigures("confused.json", Evaluation(secondPhotoOfB: [0.8f, 0f, 0f, 0.6f]));

        var first = await CheckFiguresAsync(twoFaces, "--photos", "4");
        var second = await CheckFiguresAsync(confused, "--photos", "4");

        Assert.Equal(1, first.ExitCode);
        Assert.Contains("labelled_not_one_face is 1, expected 0", first.Output, StringComparison.Ordinal);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("rank1_correct is 2, expected 4", second.Output, StringComparison.Ordinal);
        Assert.Contains("ROC AUC is", second.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>
    /// <c>edgegate eval --json</c> output for four photos of two people, a and b (4-dimensional
    /// embeddings): a's two photos score 0.8, b's second photo is given.
    /// </summary>
    private static string Evaluation(float[] secondPhotoOfB, int facesOnFirstPhoto = 1)
    {
        var photos = LabelledPhotoSet.Parse(
            ["path,label,dup_of,multi_face", "a1.jpg,a,,0", "a2.jpg,a,,0", "b1.jpg,b,,0", "b2.jpg,b,,0"], "/photos");
        float[][] embeddings = [[1f, 0f, 0f, 0f], [0.8f, 0.6f, 0f, 0f], [0f, 0f, 1f, 0f], secondPhotoOfB];
        var outcomes = photos.Photos
            .Select((photo, index) => new PhotoOutcome(photo, index == 0 ? facesOnFirstPhoto : 1, null, embeddings[index], 0.9f, null))
            .ToList();
        var report = FaceEvaluation.Summarise(photos, outcomes, "test-model");
        var recognition = new RecognitionOptions();
        return EvalCommand.ToJson(report, OperatingFigures.At(report.Samples, recognition.MatchThreshold, recognition.Margin));
    }

    private string WriteFigures(string name, string json)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>The gateway's build folder copied without what the package check does not look at.</summary>
    private string CopyOfBuiltGateway()
    {
        var source = GatewayProcess.ProgramFolder;
        var package = Path.Combine(directory, "package");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(package, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.SetUnixFileMode(Path.Combine(package, "edgegate"), File.GetUnixFileMode(Path.Combine(source, "edgegate")));
        return package;
    }

    private Task<GatewayProcess.Result> CheckPackageAsync(string package, params string[] options) =>
        RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "tools", "check-package.sh"), Rid, package, .. options]);

    private Task<GatewayProcess.Result> CheckFiguresAsync(string figures, params string[] options) =>
        RunAsync("python3", [Path.Combine(RepositoryPaths.Root, "tools", "check-eval-figures.py"), figures, .. options]);

    private async Task<GatewayProcess.Result> RunAsync(string program, params string[] arguments)
    {
        var result = await GatewayProcess.RunProgramAsync(program, directory, Bound, environment: null, arguments);
        output.WriteLine($"$ {program} {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.Output}");
        return result;
    }
}
