using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Vision.Inference;

/// <summary>
/// How EdgeGate runs a model in ONNX Runtime. Defaults suit a small gateway running several
/// sessions on 2–4 cores: one intra-op thread, one inter-op thread, sequential execution, all graph
/// optimisations and no spinning. Denormal floats are always flushed to zero. The thread count is
/// checked here because ORT silently accepts nonsense such as -1.
/// </summary>
public sealed record InferenceOptions
{
    /// <summary>Session config key for intra-op thread spinning.</summary>
    public const string AllowSpinningConfigKey = "session.intra_op.allow_spinning";

    /// <summary>Session config key for inter-op thread spinning.</summary>
    public const string AllowInterOpSpinningConfigKey = "session.inter_op.allow_spinning";

    /// <summary>
    /// Session config key that flushes denormal floats to zero in ORT's threads. Arithmetic on
    /// denormals is slow; flushing them left every `edgegate eval` figure on the labelled test photos
    /// unchanged (byte-identical JSON) and made the embedding model faster (README, Dependencies).
    /// </summary>
    public const string DenormalAsZeroConfigKey = "session.set_denormal_as_zero";

    private readonly int intraOpThreads = 1;

    /// <summary>Threads used inside one operator (at least 1).</summary>
    public int IntraOpThreads
    {
        get => intraOpThreads;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(IntraOpThreads));
            intraOpThreads = value;
        }
    }

    /// <summary>
    /// Whether idle worker threads spin waiting for work. Off by default: with several sessions
    /// sharing two cores, spinning made four back-to-back sessions take 35 ms instead of 13 ms.
    /// </summary>
    public bool AllowSpinning { get; init; }

    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Loads a model file with these options.</summary>
    /// <exception cref="OnnxRuntimeException">ORT cannot read or load the model (missing, corrupt, truncated).</exception>
    /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
    public ModelSession CreateSession(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        using var options = CreateSessionOptions();
        return new ModelSession(new InferenceSession(modelPath, options), modelPath);
    }

    /// <summary>Loads a model held in memory with these options.</summary>
    /// <exception cref="OnnxRuntimeException">ORT cannot load the model.</exception>
    /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
    public ModelSession CreateSession(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var options = CreateSessionOptions();
        return new ModelSession(new InferenceSession(model, options), $"<{model.Length} bytes in memory>");
    }

    /// <summary>
    /// The package's session options for these settings, made in EdgeGate's environment; the caller
    /// disposes them once the session is made.
    /// </summary>
    internal SessionOptions CreateSessionOptions()
    {
        OnnxRuntimeEnvironment.EnsureCreated();
        var options = new SessionOptions();
        try
        {
            options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
            options.IntraOpNumThreads = IntraOpThreads;
            options.InterOpNumThreads = 1;
            options.GraphOptimizationLevel = GraphOptimizationLevel;
            var spinning = AllowSpinning ? "1" : "0";
            options.AddSessionConfigEntry(AllowSpinningConfigKey, spinning);
            options.AddSessionConfigEntry(AllowInterOpSpinningConfigKey, spinning);
            options.AddSessionConfigEntry(DenormalAsZeroConfigKey, "1");
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
