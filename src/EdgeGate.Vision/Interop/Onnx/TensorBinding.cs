using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>
/// Pre-allocated pinned input and output tensors for one session, created once and reused for
/// every run: a steady-state <see cref="InferenceSession.Run(TensorBinding)"/> allocates nothing.
/// One binding serves one run at a time; threads running the same session concurrently each use
/// their own binding.
/// </summary>
public sealed unsafe class TensorBinding : IDisposable
{
    private readonly PinnedTensor[] inputs;
    private readonly PinnedTensor[] outputs;
    private readonly Dictionary<string, PinnedTensor> inputsByName;
    private readonly Dictionary<string, PinnedTensor> outputsByName;
    private readonly nint[] inputValues;
    private readonly nint[] outputValues;
    private RunCancellation? cancellation;
    private int busy;
    private bool disposed;

    internal TensorBinding(InferenceSession session, PinnedTensor[] inputs, PinnedTensor[] outputs)
    {
        Session = session;
        this.inputs = inputs;
        this.outputs = outputs;
        inputsByName = inputs.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        outputsByName = outputs.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        inputValues = GC.AllocateArray<nint>(inputs.Length, pinned: true);
        outputValues = GC.AllocateArray<nint>(outputs.Length, pinned: true);
        for (var index = 0; index < inputs.Length; index++)
        {
            inputValues[index] = inputs[index].Value;
        }
        for (var index = 0; index < outputs.Length; index++)
        {
            outputValues[index] = outputs[index].Value;
        }
    }

    /// <summary>Inputs in the model's order.</summary>
    public IReadOnlyList<PinnedTensor> Inputs => inputs;

    /// <summary>Outputs in the model's order.</summary>
    public IReadOnlyList<PinnedTensor> Outputs => outputs;

    internal InferenceSession Session { get; }

    /// <summary>The input tensor named <paramref name="name"/>.</summary>
    public PinnedTensor Input(string name) =>
        inputsByName.TryGetValue(name, out var tensor)
            ? tensor
            : throw new ArgumentException($"'{name}' is not an input of this model; inputs: {string.Join(", ", inputsByName.Keys)}", nameof(name));

    /// <summary>The output tensor named <paramref name="name"/>.</summary>
    public PinnedTensor Output(string name) =>
        outputsByName.TryGetValue(name, out var tensor)
            ? tensor
            : throw new ArgumentException($"'{name}' is not an output of this model; outputs: {string.Join(", ", outputsByName.Keys)}", nameof(name));

    internal nint* InputValues => (nint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(inputValues));

    internal nint* OutputValues => (nint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(outputValues));

    /// <summary>Run options with a terminate flag, created on the first cancellable run and reused.</summary>
    internal RunCancellation Cancellation => cancellation ??= new RunCancellation(NativeMethods.CreateRunOptions());

    internal void Enter()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Interlocked.Exchange(ref busy, 1) != 0)
        {
            throw new InvalidOperationException("this binding is already in a run: give each concurrent caller its own binding");
        }
    }

    internal void Exit() => Volatile.Write(ref busy, 0);

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        if (Volatile.Read(ref busy) != 0)
        {
            throw new InvalidOperationException("cannot dispose a binding during a run");
        }
        disposed = true;
        foreach (var tensor in inputs)
        {
            tensor.Dispose();
        }
        foreach (var tensor in outputs)
        {
            tensor.Dispose();
        }
        cancellation?.Dispose();
    }
}

/// <summary>Run options whose terminate flag a cancellation token sets while a run is in progress.</summary>
internal sealed class RunCancellation(OrtRunOptionsHandle runOptions) : IDisposable
{
    private static readonly Action<object?> TerminateCallback = static state => ((RunCancellation)state!).Terminate();

    private volatile bool terminateRequested;

    internal nint Handle => runOptions.DangerousGetHandle();

    internal CancellationTokenRegistration Register(CancellationToken cancellationToken) =>
        cancellationToken.UnsafeRegister(TerminateCallback, this);

    /// <summary>True when the flag was set; also clears it so the options can be reused.</summary>
    internal bool ResetAfterRun()
    {
        if (!terminateRequested)
        {
            return false;
        }
        NativeMethods.RunOptionsUnsetTerminate(Handle);
        terminateRequested = false;
        return true;
    }

    private void Terminate()
    {
        terminateRequested = true;
        NativeMethods.RunOptionsSetTerminate(Handle);
    }

    public void Dispose() => runOptions.Dispose();
}
