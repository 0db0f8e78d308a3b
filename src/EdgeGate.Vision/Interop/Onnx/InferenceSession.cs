using System.Runtime.InteropServices;

namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>
/// A loaded model. Inputs and outputs are addressed by name. <see cref="Run(TensorBinding)"/> with
/// a binding made once by <see cref="CreateBinding"/> is the allocation-free path; the dictionary
/// overload copies and is for tools and tests. Runs are thread-safe as long as each concurrent
/// caller uses its own binding. Inputs are checked (names, element types, shapes) before ORT sees
/// them; errors ORT reports itself arrive as <see cref="OnnxRuntimeException"/> and leave the
/// session usable.
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
    /// Creates pinned tensors for every input and output. Shapes come from the model; a model with
    /// open dimensions needs them in <paramref name="shapes"/> (by input or output name).
    /// </summary>
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
            RunCore(binding.InputValues, binding.OutputValues, cancellation, cancellationToken);
        }
        finally
        {
            binding.Exit();
        }
    }

    /// <summary>
    /// Runs the model on float32 inputs given by name and returns every output by name, copied into
    /// new arrays. Every input must be given, with the shape the model expects.
    /// </summary>
    public IReadOnlyDictionary<string, FloatTensor> Run(
        IReadOnlyDictionary<string, (float[] Data, long[] Shape)> inputs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        ValidateInputs(inputs);
        foreach (var name in outputNames)
        {
            RequireFloat(outputMetadata[name], "output");
        }
        cancellationToken.ThrowIfCancellationRequested();

        var pins = new GCHandle[inputNames.Length];
        var inputValues = new OrtValueHandle?[inputNames.Length];
        var inputPointers = new nint[inputNames.Length];
        var outputPointers = new nint[outputNames.Length];
        RunCancellation? cancellation = null;
        try
        {
            for (var index = 0; index < inputNames.Length; index++)
            {
                var (data, shape) = inputs[inputNames[index]];
                pins[index] = GCHandle.Alloc(data, GCHandleType.Pinned);
                inputValues[index] = NativeMethods.CreateTensor(
                    runtime.CpuMemoryInfo, (void*)pins[index].AddrOfPinnedObject(), (long)data.Length * sizeof(float), shape, TensorElementType.Float);
                inputPointers[index] = inputValues[index]!.DangerousGetHandle();
            }
            if (cancellationToken.CanBeCanceled)
            {
                cancellation = new RunCancellation(NativeMethods.CreateRunOptions());
            }

            fixed (nint* inputValuePointer = inputPointers)
            fixed (nint* outputValuePointer = outputPointers)
            {
                RunCore(inputValuePointer, outputValuePointer, cancellation, cancellationToken);
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
            cancellation?.Dispose();
        }
    }

    public void Dispose() => handle.Dispose();

    public override string ToString() => $"InferenceSession({ModelDescription})";

    private void RunCore(nint* inputValues, nint* outputValues, RunCancellation? cancellation, CancellationToken cancellationToken)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var session = handle.DangerousGetHandle();
            nint status;
            if (cancellation is null)
            {
                status = NativeMethods.Run(session, 0, handle.InputNames, inputValues, handle.InputCount, handle.OutputNames, handle.OutputCount, outputValues);
            }
            else
            {
                using (cancellation.Register(cancellationToken))
                {
                    status = NativeMethods.Run(session, cancellation.Handle, handle.InputNames, inputValues, handle.InputCount, handle.OutputNames, handle.OutputCount, outputValues);
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
            RequireShape(metadata, role, given);
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

    private void ValidateInputs(IReadOnlyDictionary<string, (float[] Data, long[] Shape)> inputs)
    {
        foreach (var name in inputs.Keys)
        {
            if (!inputMetadata.ContainsKey(name))
            {
                throw new ArgumentException($"'{name}' is not an input of this model; inputs: {string.Join(", ", inputNames)}", nameof(inputs));
            }
        }
        foreach (var name in inputNames)
        {
            if (!inputs.TryGetValue(name, out var input))
            {
                throw new ArgumentException($"input '{name}' is missing; the model needs: {string.Join(", ", inputNames)}", nameof(inputs));
            }
            var metadata = inputMetadata[name];
            RequireFloat(metadata, "input");
            if (input.Data is null || input.Shape is null)
            {
                throw new ArgumentException($"input '{name}' needs both data and shape", nameof(inputs));
            }
            RequireShape(metadata, "input", input.Shape);
            var expected = PinnedTensor.ElementCount(input.Shape, name);
            if (input.Data.Length != expected)
            {
                throw new ArgumentException($"input '{name}' has shape {ShapeText.Format(input.Shape)} ({expected} values) but {input.Data.Length} values were given", nameof(inputs));
            }
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

    private static void RequireShape(NodeMetadata metadata, string role, IReadOnlyList<long> shape)
    {
        var matches = shape.Count == metadata.Shape.Count;
        for (var axis = 0; matches && axis < shape.Count; axis++)
        {
            var expected = metadata.Shape[axis];
            matches = shape[axis] >= 0 && (expected < 0 || expected == shape[axis]);
        }
        if (!matches)
        {
            throw new ArgumentException($"{role} '{metadata.Name}' expects shape {ShapeText.Format(metadata.Shape)} (-1 = any); got {ShapeText.Format(shape)}");
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
