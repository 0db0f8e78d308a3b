using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeGate.Vision.Inference;

/// <summary>
/// Pre-allocated pinned input and output tensors for one <see cref="ModelSession"/>, bound once
/// through an <see cref="OrtIoBinding"/> and reused for every run: a steady-state <see cref="Run()"/>
/// is one <see cref="InferenceSession.RunWithBinding"/> and allocates nothing. One binding serves one
/// run at a time; threads running the same session concurrently each use their own binding.
/// </summary>
/// <remarks>
/// Shapes come from the model; a model with open dimensions needs them given by input or output
/// name. A given shape is only checked for being allocatable: whether the model accepts it is ORT's
/// to say, as an <see cref="OnnxRuntimeException"/> from <see cref="Run()"/> with ORT's message, and the
/// session stays usable. Only float32 tensors are made (all face models use them).
/// </remarks>
public sealed class TensorBinding : IDisposable
{
    private static readonly Action<object?> TerminateCallback = static state => ((TensorBinding)state!).Terminate();

    private readonly ModelSession session;
    private readonly PinnedTensor[] inputs;
    private readonly PinnedTensor[] outputs;
    private readonly OrtIoBinding binding;
    private readonly RunOptions runOptions;
    private volatile bool terminateRequested;
    private int busy;
    private bool disposed;

    /// <summary>Creates pinned float32 tensors for every input and output of <paramref name="session"/> and binds them.</summary>
    /// <exception cref="ArgumentException">
    /// A key of <paramref name="shapes"/> names no input or output, a shape is missing, negative or too
    /// large, or the model has a tensor that is not float32.
    /// </exception>
    internal TensorBinding(ModelSession session, IReadOnlyDictionary<string, long[]>? shapes)
    {
        this.session = session;
        session.AddBinding();
        var made = new List<IDisposable>();
        try
        {
            if (shapes is not null)
            {
                foreach (var name in shapes.Keys)
                {
                    if (!session.InputMetadata.ContainsKey(name) && !session.OutputMetadata.ContainsKey(name))
                    {
                        throw new ArgumentException($"'{name}' is neither an input nor an output of this model; inputs: {string.Join(", ", session.InputNames)}; outputs: {string.Join(", ", session.OutputNames)}", nameof(shapes));
                    }
                }
            }
            inputs = [.. session.InputNames.Select(name => Keep(CreateTensor(name, session.InputMetadata[name], "input", shapes), made))];
            outputs = [.. session.OutputNames.Select(name => Keep(CreateTensor(name, session.OutputMetadata[name], "output", shapes), made))];
            runOptions = Keep(new RunOptions(), made);
            binding = Keep(session.Session.CreateIoBinding(), made);
            foreach (var input in inputs)
            {
                binding.BindInput(input.Name, input.Value);
            }
            foreach (var output in outputs)
            {
                binding.BindOutput(output.Name, output.Value);
            }
        }
        catch
        {
            foreach (var item in made)
            {
                item.Dispose();
            }
            session.ReleaseBinding();
            throw;
        }
    }

    /// <summary>Inputs in the model's order.</summary>
    public IReadOnlyList<PinnedTensor> Inputs => inputs;

    /// <summary>Outputs in the model's order.</summary>
    public IReadOnlyList<PinnedTensor> Outputs => outputs;

    /// <summary>The input tensor named <paramref name="name"/>.</summary>
    public PinnedTensor Input(string name) =>
        Find(inputs, name)
            ?? throw new ArgumentException($"'{name}' is not an input of this model; inputs: {string.Join(", ", inputs.Select(tensor => tensor.Name))}", nameof(name));

    /// <summary>The output tensor named <paramref name="name"/>.</summary>
    public PinnedTensor Output(string name) =>
        Find(outputs, name)
            ?? throw new ArgumentException($"'{name}' is not an output of this model; outputs: {string.Join(", ", outputs.Select(tensor => tensor.Name))}", nameof(name));

    /// <summary>Runs the model on the bound inputs, writing its outputs in place. Allocates nothing.</summary>
    /// <exception cref="OnnxRuntimeException">ORT refused or failed the run; its message says why.</exception>
    /// <exception cref="InvalidOperationException">The binding is already in a run on another thread.</exception>
    public void Run()
    {
        Enter();
        try
        {
            session.Session.RunWithBinding(runOptions, binding);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Runs the model on the bound inputs. When <paramref name="cancellationToken"/> fires during the
    /// run, ORT is told to stop (<see cref="RunOptions.Terminate"/>) and the call throws
    /// <see cref="OperationCanceledException"/> with ORT's error inside.
    /// </summary>
    public void Run(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            Run();
            return;
        }
        cancellationToken.ThrowIfCancellationRequested();
        Enter();
        try
        {
            using (cancellationToken.UnsafeRegister(TerminateCallback, this))
            {
                try
                {
                    session.Session.RunWithBinding(runOptions, binding);
                }
                catch (OnnxRuntimeException exception) when (terminateRequested)
                {
                    throw new OperationCanceledException("the inference run was cancelled", exception, cancellationToken);
                }
            }
        }
        finally
        {
            // Disposing the registration waited for a callback in progress, so the flag is final here.
            if (terminateRequested)
            {
                runOptions.Terminate = false;
                terminateRequested = false;
            }
            Exit();
        }
    }

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
        binding.Dispose();
        runOptions.Dispose();
        foreach (var tensor in inputs.Concat(outputs))
        {
            tensor.Dispose();
        }
        session.ReleaseBinding();
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ObjectDisposedException.ThrowIf(session.IsClosed, session);
        if (Interlocked.Exchange(ref busy, 1) != 0)
        {
            throw new InvalidOperationException("this binding is already in a run: give each concurrent caller its own binding");
        }
    }

    private void Exit() => Volatile.Write(ref busy, 0);

    private void Terminate()
    {
        terminateRequested = true;
        runOptions.Terminate = true;
    }

    /// <summary>A plain loop: the face pipeline looks tensors up on every frame and must not allocate.</summary>
    private static PinnedTensor? Find(PinnedTensor[] tensors, string name)
    {
        foreach (var tensor in tensors)
        {
            if (tensor.Name == name)
            {
                return tensor;
            }
        }
        return null;
    }

    private static PinnedTensor CreateTensor(string name, NodeMetadata metadata, string role, IReadOnlyDictionary<string, long[]>? shapes)
    {
        if (!metadata.IsTensor || metadata.ElementDataType != TensorElementType.Float)
        {
            var kind = metadata.IsTensor ? $"{metadata.ElementDataType} tensors" : $"a {metadata.OnnxValueType} value";
            throw new ArgumentException($"{role} '{name}' takes {kind}; this binding handles float32 tensors only");
        }
        long[] shape;
        if (shapes is not null && shapes.TryGetValue(name, out var given))
        {
            ArgumentNullException.ThrowIfNull(given, $"{nameof(shapes)}[{name}]");
            shape = (long[])given.Clone();
        }
        else if (metadata.Dimensions.All(dimension => dimension >= 0))
        {
            shape = [.. metadata.Dimensions.Select(dimension => (long)dimension)];
        }
        else
        {
            throw new ArgumentException($"{role} '{name}' has open dimensions {PinnedTensor.FormatShape(metadata.Dimensions.Select(dimension => (long)dimension))}: give its shape when creating the binding");
        }
        return new PinnedTensor(name, shape);
    }

    private static T Keep<T>(T item, List<IDisposable> made)
        where T : IDisposable
    {
        made.Add(item);
        return item;
    }
}
