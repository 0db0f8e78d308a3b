using System.Runtime.InteropServices;

namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>
/// A loaded model. Inputs and outputs are addressed by name. <see cref="Run(TensorBinding)"/> with
/// a binding made once by <see cref="CreateBinding"/> is the allocation-free path; the dictionary
/// overload copies and is for tools and tests. Runs are thread-safe as long as each concurrent
/// caller uses its own binding. Input names, shapes and element types are ORT's to judge: a wrong
/// one arrives as an <see cref="OnnxRuntimeException"/> with ORT's message and leaves the session
/// usable. Only what ORT cannot check is refused here with an <see cref="ArgumentException"/>:
/// a buffer that does not hold exactly the values its shape describes.
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    private readonly OrtSessionHandle handle;
    private readonly OnnxRuntime runtime;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly Dictionary<string, NodeMetadata> inputMetadata;
    private readonly Dictionary<string, NodeMetadata> outputMetadata;

    /// <summary>Loads a model file.</summary>
    /// <exception cref="OnnxRuntimeException">ORT cannot read or load the model (missing, corrupt, truncated).</exception>
    public InferenceSession(string modelPath, SessionOptions? options = null, OnnxRuntime? runtime = null)
        : this(runtime ?? OnnxRuntime.Load(), options, (environment, nativeOptions) =>
            NativeMethods.CreateSession(environment, ValidatePath(modelPath), nativeOptions))
    {
        ModelDescription = modelPath;
    }

    /// <summary>Loads a model from memory.</summary>
    /// <exception cref="OnnxRuntimeException">ORT cannot load the model.</exception>
    public InferenceSession(byte[] model, SessionOptions? options = null, OnnxRuntime? runtime = null)
        : this(runtime ?? OnnxRuntime.Load(), options, (environment, nativeOptions) =>
            NativeMethods.CreateSessionFromArray(environment, ValidateModelBytes(model), nativeOptions))
    {
        ModelDescription = $"<{model.Length} bytes in memory>";
    }

    private InferenceSession(OnnxRuntime runtime, SessionOptions? options, Func<OrtEnvHandle, OrtSessionOptionsHandle, nint> create)
    {
        this.runtime = runtime;
        Options = options ?? new SessionOptions();
        nint rawSession;
        using (var nativeOptions = Options.CreateNative())
        {
            rawSession = create(runtime.Environment, nativeOptions);
        }

        int inputCount, outputCount;
        try
        {
            inputCount = NativeMethods.SessionGetCount(rawSession, inputs: true);
            outputCount = NativeMethods.SessionGetCount(rawSession, inputs: false);
        }
        catch
        {
            NativeMethods.ReleaseSession(rawSession);
            throw;
        }

        handle = new OrtSessionHandle(rawSession, inputCount, outputCount);
        try
        {
            (inputNames, inputMetadata) = ReadMetadata(inputCount, input: true);
            (outputNames, outputMetadata) = ReadMetadata(outputCount, input: false);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The model path, or a note that it came from memory.</summary>
    public string ModelDescription { get; } = string.Empty;

    /// <summary>The options the session was created with.</summary>
    public SessionOptions Options { get; }

    /// <summary>Input names in the model's order.</summary>
    public IReadOnlyList<string> InputNames => inputNames;

    /// <summary>Output names in the model's order.</summary>
    public IReadOnlyList<string> OutputNames => outputNames;

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => inputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => outputMetadata;

    /// <summary>
    /// Creates pinned float32 tensors for every input and output. Shapes come from the model; a model
    /// with open dimensions needs them in <paramref name="shapes"/> (by input or output name). A given
    /// shape is only checked for being allocatable: one the model does not accept makes
    /// <see cref="Run(TensorBinding)"/> fail with ORT's message.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A key of <paramref name="shapes"/> names no input or output, a shape is missing, negative or too
    /// large, or the model has a tensor that is not float32 (the binding holds float32 only).
    /// </exception>
    public TensorBinding CreateBinding(IReadOnlyDictionary<string, long[]>? shapes = null)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        if (shapes is not null)
        {
            foreach (var name in shapes.Keys)
            {
                if (!inputMetadata.ContainsKey(name) && !outputMetadata.ContainsKey(name))
                {
                    throw new ArgumentException($"'{name}' is neither an input nor an output of this model; inputs: {string.Join(", ", inputNames)}; outputs: {string.Join(", ", outputNames)}", nameof(shapes));
                }
            }
        }

        var inputs = new List<PinnedTensor>();
        var outputs = new List<PinnedTensor>();
        try
        {
            foreach (var name in inputNames)
            {
                inputs.Add(CreateBoundTensor(inputMetadata[name], "input", shapes));
            }
            foreach (var name in outputNames)
            {
                outputs.Add(CreateBoundTensor(outputMetadata[name], "output", shapes));
            }
            return new TensorBinding(this, [.. inputs], [.. outputs]);
        }
        catch
        {
            foreach (var tensor in inputs.Concat(outputs))
            {
                tensor.Dispose();
            }
            throw;
        }
    }

    /// <summary>Runs the model on the binding's inputs, writing its outputs in place. Allocates nothing.</summary>
    public void Run(TensorBinding binding) => Run(binding, CancellationToken.None);

    /// <summary>
    /// Runs the model on the binding's inputs. When <paramref name="cancellationToken"/> fires during
    /// the run, ORT is told to stop (RunOptionsSetTerminate) and the call throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public void Run(TensorBinding binding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!ReferenceEquals(binding.Session, this))
        {
            throw new ArgumentException("the binding was created by another session", nameof(binding));
        }
        cancellationToken.ThrowIfCancellationRequested();
        binding.Enter();
        try
        {
            var cancellation = cancellationToken.CanBeCanceled ? binding.Cancellation : null;
            RunCore(handle.InputNames, binding.InputValues, handle.InputCount, binding.OutputValues, cancellation, cancellationToken);
        }
        finally
        {
            binding.Exit();
        }
    }

    /// <summary>
    /// Runs the model on float32 inputs given by name and returns every output by name, copied into
    /// new arrays. The names and tensors go to ORT as given, so an unknown or missing input, a wrong
    /// shape or an input the model does not take as float32 is ORT's <see cref="OnnxRuntimeException"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An input lacks data or shape, its shape has a negative dimension, or its data length is not the
    /// product of its shape (ORT would read past the array); or a name holds a NUL character (ORT
    /// would read a shorter name).
    /// </exception>
    public IReadOnlyDictionary<string, FloatTensor> Run(
        IReadOnlyDictionary<string, (float[] Data, long[] Shape)> inputs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        // Enumerated once: ORT gets the inputs in the caller's order.
        var given = inputs.ToArray();
        foreach (var (name, (data, shape)) in given)
        {
            CheckInputBuffer(name, data, shape);
        }
        foreach (var name in outputNames)
        {
            RequireFloat(outputMetadata[name], "output");
        }
        cancellationToken.ThrowIfCancellationRequested();

        var pins = new GCHandle[given.Length];
        var nativeNames = new nint[given.Length];
        var inputValues = new OrtValueHandle?[given.Length];
        var inputPointers = new nint[given.Length];
        var outputPointers = new nint[outputNames.Length];
        RunCancellation? cancellation = null;
        try
        {
            for (var index = 0; index < given.Length; index++)
            {
                var (name, (data, shape)) = given[index];
                nativeNames[index] = Marshal.StringToCoTaskMemUTF8(name);
                pins[index] = GCHandle.Alloc(data, GCHandleType.Pinned);
                inputValues[index] = NativeMethods.CreateTensor(
                    runtime.CpuMemoryInfo, (void*)pins[index].AddrOfPinnedObject(), (long)data.Length * sizeof(float), shape, TensorElementType.Float);
                inputPointers[index] = inputValues[index]!.DangerousGetHandle();
            }
            if (cancellationToken.CanBeCanceled)
            {
                cancellation = new RunCancellation(NativeMethods.CreateRunOptions());
            }

            fixed (nint* inputNamePointer = nativeNames)
            fixed (nint* inputValuePointer = inputPointers)
            fixed (nint* outputValuePointer = outputPointers)
            {
                RunCore(inputNamePointer, inputValuePointer, given.Length, outputValuePointer, cancellation, cancellationToken);
            }

            var results = new Dictionary<string, FloatTensor>(outputNames.Length, StringComparer.Ordinal);
            for (var index = 0; index < outputNames.Length; index++)
            {
                var (elementType, shape, count, data) = NativeMethods.ReadTensorValue(outputPointers[index]);
                if (elementType != TensorElementType.Float)
                {
                    throw new NotSupportedException($"output '{outputNames[index]}' holds {elementType} values; only float32 outputs are supported");
                }
                var copy = new float[count];
                new ReadOnlySpan<float>((void*)data, checked((int)count)).CopyTo(copy);
                results.Add(outputNames[index], new FloatTensor(copy, shape));
            }
            return results;
        }
        finally
        {
            foreach (var value in outputPointers)
            {
                if (value != 0)
                {
                    NativeMethods.ReleaseValue(value);
                }
            }
            foreach (var value in inputValues)
            {
                value?.Dispose();
            }
            foreach (var pin in pins)
            {
                if (pin.IsAllocated)
                {
                    pin.Free();
                }
            }
            foreach (var name in nativeNames)
            {
                Marshal.FreeCoTaskMem(name);
            }
            cancellation?.Dispose();
        }
    }

    public void Dispose() => handle.Dispose();

    public override string ToString() => $"InferenceSession({ModelDescription})";

    /// <summary>
    /// OrtApi Run with the given input names and values; outputs are always the model's, in its order.
    /// <paramref name="inputNames"/> may be the session's own names: they live as long as the handle,
    /// which the reference taken here keeps open.
    /// </summary>
    private void RunCore(nint* inputNames, nint* inputValues, int inputCount, nint* outputValues, RunCancellation? cancellation, CancellationToken cancellationToken)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var session = handle.DangerousGetHandle();
            nint status;
            if (cancellation is null)
            {
                status = NativeMethods.Run(session, 0, inputNames, inputValues, inputCount, handle.OutputNames, handle.OutputCount, outputValues);
            }
            else
            {
                using (cancellation.Register(cancellationToken))
                {
                    status = NativeMethods.Run(session, cancellation.Handle, inputNames, inputValues, inputCount, handle.OutputNames, handle.OutputCount, outputValues);
                }
                if (cancellation.ResetAfterRun() && status != 0)
                {
                    var error = NativeMethods.TakeStatus(status);
                    throw new OperationCanceledException("the inference run was cancelled", error, cancellationToken);
                }
            }
            NativeMethods.Check(status);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private (string[] Names, Dictionary<string, NodeMetadata> Metadata) ReadMetadata(int count, bool input)
    {
        var session = handle.DangerousGetHandle();
        var nativeNames = input ? handle.InputNames : handle.OutputNames;
        var names = new string[count];
        var metadata = new Dictionary<string, NodeMetadata>(count, StringComparer.Ordinal);
        for (var index = 0; index < count; index++)
        {
            nativeNames[index] = NativeMethods.SessionGetName(session, index, input);
            names[index] = Marshal.PtrToStringUTF8(nativeNames[index]) ?? string.Empty;
            var (valueType, elementType, shape) = NativeMethods.SessionGetTypeInfo(session, index, input);
            metadata[names[index]] = new NodeMetadata(names[index], valueType, elementType, shape);
        }
        return (names, metadata);
    }

    private PinnedTensor CreateBoundTensor(NodeMetadata metadata, string role, IReadOnlyDictionary<string, long[]>? shapes)
    {
        RequireFloat(metadata, role);
        long[] shape;
        if (shapes is not null && shapes.TryGetValue(metadata.Name, out var given))
        {
            // Only checked for being allocatable (PinnedTensor): whether the model accepts it is
            // ORT's to say when the binding runs.
            ArgumentNullException.ThrowIfNull(given, $"{nameof(shapes)}[{metadata.Name}]");
            shape = (long[])given.Clone();
        }
        else if (metadata.HasFixedShape)
        {
            shape = [.. metadata.Shape];
        }
        else
        {
            throw new ArgumentException($"{role} '{metadata.Name}' has open dimensions {ShapeText.Format(metadata.Shape)}: give its shape when creating the binding");
        }
        return new PinnedTensor(runtime, metadata.Name, shape);
    }

    /// <summary>The checks ORT cannot make: it trusts that a buffer holds the values its shape describes.</summary>
    private static void CheckInputBuffer(string name, float[]? data, long[]? shape)
    {
        if (data is null || shape is null)
        {
            throw new ArgumentException($"input '{name}' needs both data and shape", "inputs");
        }
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"input name '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' holds a NUL character, which would cut it short in native code", "inputs");
        }
        var expected = PinnedTensor.ElementCount(shape, name);
        if (data.Length != expected)
        {
            throw new ArgumentException($"input '{name}' has shape {ShapeText.Format(shape)} ({expected} values) but {data.Length} values were given", "inputs");
        }
    }

    private static void RequireFloat(NodeMetadata metadata, string role)
    {
        if (metadata.ValueType != OnnxValueType.Tensor || metadata.ElementType != TensorElementType.Float)
        {
            var kind = metadata.ValueType == OnnxValueType.Tensor ? $"{metadata.ElementType} tensors" : $"a {metadata.ValueType} value";
            throw new ArgumentException($"{role} '{metadata.Name}' takes {kind}; this binding handles float32 tensors only");
        }
    }

    private static string ValidatePath(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return modelPath;
    }

    private static byte[] ValidateModelBytes(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model;
    }
}
