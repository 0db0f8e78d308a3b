using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Vision.Inference;

/// <summary>
/// A loaded model: Microsoft.ML.OnnxRuntime's <see cref="InferenceSession"/>, run through
/// <see cref="TensorBinding"/>s made by <see cref="CreateBinding"/>. One session serves many threads,
/// each with its own binding. Each binding holds the session open: the native session is released
/// when the session is disposed and its last binding is, so a run can never reach a released
/// session (the package's own session crashes the process in that case). After
/// <see cref="Dispose"/> runs are refused with <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class ModelSession : IDisposable
{
    private const int ClosedFlag = 1;
    private const int BindingIncrement = 2;

    // Live bindings times two, plus ClosedFlag once disposed.
    private int state;

    internal ModelSession(InferenceSession session, string description)
    {
        Session = session;
        Description = description;
    }

    /// <summary>The model path, or a note that it came from memory.</summary>
    public string Description { get; }

    /// <summary>Input names in the model's order.</summary>
    public IReadOnlyList<string> InputNames => Session.InputNames;

    /// <summary>Output names in the model's order.</summary>
    public IReadOnlyList<string> OutputNames => Session.OutputNames;

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => Session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => Session.OutputMetadata;

    internal InferenceSession Session { get; }

    internal bool IsClosed => (Volatile.Read(ref state) & ClosedFlag) != 0;

    /// <summary>Pinned float32 tensors for every input and output, bound once (see <see cref="TensorBinding"/>).</summary>
    /// <exception cref="ArgumentException">See <see cref="TensorBinding"/>: unknown names, shapes that cannot be allocated, non-float32 tensors.</exception>
    public TensorBinding CreateBinding(IReadOnlyDictionary<string, long[]>? shapes = null) => new(this, shapes);

    public void Dispose()
    {
        if (Interlocked.Or(ref state, ClosedFlag) == 0)
        {
            Session.Dispose();
        }
    }

    public override string ToString() => $"ModelSession({Description})";

    internal void AddBinding()
    {
        while (true)
        {
            var current = Volatile.Read(ref state);
            ObjectDisposedException.ThrowIf((current & ClosedFlag) != 0, this);
            if (Interlocked.CompareExchange(ref state, current + BindingIncrement, current) == current)
            {
                return;
            }
        }
    }

    internal void ReleaseBinding()
    {
        if (Interlocked.Add(ref state, -BindingIncrement) == ClosedFlag)
        {
            Session.Dispose();
        }
    }
}
