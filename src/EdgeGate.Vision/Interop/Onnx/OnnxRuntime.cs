namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>
/// The ONNX Runtime library, loaded once per process, with the environment and CPU memory
/// description every session shares. The library path is, in order: the path given to
/// <see cref="Load"/>, the environment variable <c>EDGEGATE_ORT_LIB</c>, or
/// <c>libonnxruntime.so.1</c> beside the application (the build copies it there). A configured
/// path that does not exist is an error, not a reason to look elsewhere.
/// </summary>
public sealed class OnnxRuntime
{
    /// <summary>Environment variable naming the library file.</summary>
    public const string LibraryPathEnvironmentVariable = "EDGEGATE_ORT_LIB";

    /// <summary>The file name of the library beside the application.</summary>
    public const string LibraryFileName = "libonnxruntime.so.1";

    private const int LoggingLevelError = 3;

    private static readonly Lock Gate = new();
    private static OnnxRuntime? instance;

    private OnnxRuntime(string libraryPath)
    {
        LibraryPath = libraryPath;
        Version = NativeMethods.VersionString;
        Environment = NativeMethods.CreateEnv(LoggingLevelError, "edgegate");
        CpuMemoryInfo = NativeMethods.CreateCpuMemoryInfo();
    }

    /// <summary>Full path of the loaded library.</summary>
    public string LibraryPath { get; }

    /// <summary>The library's version string, e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>The C API version this binding uses.</summary>
    public static int ApiVersion => (int)NativeMethods.ApiVersion;

    /// <summary>ORT's build description (git commit, build flags).</summary>
    public string BuildInfo => NativeMethods.BuildInfoString();

    internal OrtEnvHandle Environment { get; }

    internal OrtMemoryInfoHandle CpuMemoryInfo { get; }

    /// <summary>
    /// Loads the library (first call) or returns the loaded one. Passing a path different from the
    /// one already loaded is an error: a process holds one ONNX Runtime.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">The library is missing, not loadable, or not ONNX Runtime.</exception>
    public static OnnxRuntime Load(string? libraryPath = null)
    {
        lock (Gate)
        {
            if (instance is not null && libraryPath is null)
            {
                return instance;
            }
            var (path, source) = ResolveLibraryPath(libraryPath);
            if (!File.Exists(path))
            {
                throw new OnnxRuntimeException(
                    OnnxRuntimeErrorCode.LibraryLoadFailed,
                    $"ONNX Runtime library not found at '{path}' ({source})");
            }
            NativeMethods.EnsureLoaded(path);
            return instance ??= new OnnxRuntime(Path.GetFullPath(path));
        }
    }

    /// <summary>Where <see cref="Load"/> would look for the library, and why (for diagnostics).</summary>
    public static (string Path, string Source) ResolveLibraryPath(string? configuredPath = null)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return (Path.GetFullPath(configuredPath), "configured path");
        }
        var fromEnvironment = System.Environment.GetEnvironmentVariable(LibraryPathEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (Path.GetFullPath(fromEnvironment), $"environment variable {LibraryPathEnvironmentVariable}");
        }
        return (Path.Combine(AppContext.BaseDirectory, LibraryFileName), "beside the application");
    }
}
