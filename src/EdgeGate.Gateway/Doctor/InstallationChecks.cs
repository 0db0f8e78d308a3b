using System.Runtime.CompilerServices;
using EdgeGate.Imaging.Interop.OpenCv;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;

namespace EdgeGate.Gateway.Doctor;

/// <summary>The installed parts: ONNX Runtime, the models with their pinned checksums, the OpenCV shim.</summary>
public sealed class InstallationChecks(string? modelsDirectory) : IDoctorCheck
{
    public async IAsyncEnumerable<DoctorFinding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield return CheckOnnxRuntime();
        foreach (var finding in CheckModels())
        {
            yield return finding;
        }
        yield return CheckOpenCvShim();
    }

    private static DoctorFinding CheckOnnxRuntime()
    {
        const string subject = "ONNX Runtime";
        try
        {
            var library = OnnxRuntimeEnvironment.NativeLibraryPath ?? "path not found in /proc/self/maps";
            return DoctorFinding.Ok(subject, $"{OnnxRuntimeEnvironment.Version} (native library {library})");
        }
        catch (DllNotFoundException exception)
        {
            return DoctorFinding.Failure(subject, exception.Message,
                "install the package again: libonnxruntime.so belongs next to the program (./build.sh publish puts it there; in a source tree run ./build.sh build)");
        }
    }

    private IEnumerable<DoctorFinding> CheckModels()
    {
        ModelCatalog catalog;
        try
        {
            catalog = ModelCatalog.Locate(modelsDirectory);
        }
        catch (Exception exception) when (exception is DirectoryNotFoundException or IOException or InvalidDataException)
        {
            return [DoctorFinding.Failure("models", exception.Message, "run ./build.sh setup, or set Models:Directory / EDGEGATE_MODELS")];
        }
        return catalog.Verify().Select(verification =>
        {
            var subject = $"model {verification.Key}";
            return verification.Status switch
            {
                ModelFileStatus.Ok => DoctorFinding.Ok(subject, $"{Path.GetFileName(verification.FilePath)} present, checksum matches the manifest"),
                ModelFileStatus.Missing => DoctorFinding.Failure(subject, $"{verification.FilePath} is missing",
                    "run ./build.sh setup to fetch the models"),
                _ => DoctorFinding.Failure(subject,
                    $"{verification.FilePath} is damaged or a different model: its SHA-256 is {verification.ActualSha256}, the manifest pins {verification.ExpectedSha256}",
                    "delete the file and run ./build.sh setup to fetch it again"),
            };
        }).ToList();
    }

    private static DoctorFinding CheckOpenCvShim()
    {
        const string subject = "OpenCV shim";
        try
        {
            OpenCvLibrary.EnsureLoaded();
            return DoctorFinding.Ok(subject, $"ABI {OpenCvLibrary.AbiVersion} with OpenCV {OpenCvLibrary.OpenCvVersion} from {OpenCvLibrary.LibraryPath}");
        }
        catch (Exception exception) when (exception is OpenCvException or DllNotFoundException or InvalidOperationException or BadImageFormatException)
        {
            return DoctorFinding.Failure(subject, $"cannot load libedgegate_cv.so: {exception.Message}",
                "run ./build.sh build (it compiles the shim), and check the OpenCV runtime packages (libopencv-*406) are installed");
        }
    }
}
