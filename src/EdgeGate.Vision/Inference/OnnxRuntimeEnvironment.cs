using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Vision.Inference;

/// <summary>
/// The process-wide ONNX Runtime environment (Microsoft.ML.OnnxRuntime's <see cref="OrtEnv"/>), made
/// once before the first session: ORT logs errors only, under the id "edgegate", and collects no
/// telemetry. The native library is the package's <c>libonnxruntime.so</c>, beside the program in a
/// published package (under <c>runtimes/&lt;rid&gt;/native</c> in a development build).
/// </summary>
public static class OnnxRuntimeEnvironment
{
    /// <summary>The variable ORT reads once, when its environment is made, to switch its telemetry off.</summary>
    public const string TelemetryOptOutVariable = "ORT_DISABLE_TELEMETRY";

    private static readonly Lazy<OrtEnv> Environment = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>ORT's version string, e.g. "1.32.0".</summary>
    /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
    public static string Version => Environment.Value.GetVersionString();

    /// <summary>
    /// Full path of the native library this process loaded, read from /proc/self/maps after the
    /// environment was made; null when it cannot be told.
    /// </summary>
    /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
    public static string? NativeLibraryPath
    {
        get
        {
            EnsureCreated();
            try
            {
                return File.ReadLines("/proc/self/maps")
                    .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var start and >= 0 ? line[start..] : null)
                    .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith("libonnxruntime.so", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>Makes the environment if it does not exist yet. Every session is made after this.</summary>
    /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
    public static void EnsureCreated() => _ = Environment.Value;

    private static OrtEnv Create()
    {
        // Official ORT builds for Linux (1.30 and later) carry 1DS telemetry: on the first environment
        // they write a device id and an event store (SQLite) to
        // $XDG_CACHE_HOME or $HOME/.cache/Microsoft/DeveloperTools/.onnxruntime/ and queue events for
        // upload. DisableTelemetryEvents() alone stops neither (measured with strace on 1.32.0). Under
        // the systemd unit HOME is the service user's home, /var/lib/edgegate: ProtectHome= and
        // ProtectSystem=strict do not cover it, so the files would land in the data folder. Only the
        // variable below, set before the environment is made, stops ORT from creating anything; .NET's
        // Environment.SetEnvironmentVariable does not reach getenv(3), hence setenv.
        Interop.Libc.NativeMethods.SetEnvironmentVariable(TelemetryOptOutVariable, "1");
        var options = new EnvironmentCreationOptions
        {
            logId = "edgegate",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            var environment = OrtEnv.CreateInstanceWithOptions(ref options);
            environment.DisableTelemetryEvents();
            return environment;
        }
        catch (TypeInitializationException exception) when (exception.InnerException is DllNotFoundException missing)
        {
            throw new DllNotFoundException(
                $"the ONNX Runtime library (libonnxruntime.so from the Microsoft.ML.OnnxRuntime package) cannot be loaded: {missing.Message}", missing);
        }
    }
}
