namespace EdgeGate.Vision.Interop.Onnx;

/// <summary>
/// A float32 tensor whose buffer lives on the pinned object heap and is wrapped once as an ORT
/// value, so runs read and write it in place without copying or allocating. Fill
/// <see cref="Span"/> before a run (inputs) or read it after (outputs).
/// </summary>
public sealed unsafe class PinnedTensor : IDisposable
{
    private readonly float[] buffer;
    private readonly OrtValueHandle value;
    private readonly long[] shape;

    internal PinnedTensor(OnnxRuntime runtime, string name, long[] shape)
    {
        Name = name;
        this.shape = shape;
        var length = ElementCount(shape, name);
        buffer = GC.AllocateArray<float>(length, pinned: true);
        fixed (float* data = buffer)
        {
            // The array is pinned for its lifetime, so the address stays valid after this block.
            value = NativeMethods.CreateTensor(runtime.CpuMemoryInfo, data, (long)length * sizeof(float), shape, TensorElementType.Float);
        }
    }

    /// <summary>The model input or output this tensor is bound to.</summary>
    public string Name { get; }

    public IReadOnlyList<long> Shape => shape;

    /// <summary>Number of elements.</summary>
    public int Length => buffer.Length;

    /// <summary>The tensor data, row-major.</summary>
    public Span<float> Span => buffer;

    /// <summary>The tensor data as memory (the same pinned buffer).</summary>
    public Memory<float> Memory => buffer;

    internal nint Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(value.IsClosed, this);
            return value.DangerousGetHandle();
        }
    }

    public void Dispose() => value.Dispose();

    internal static int ElementCount(ReadOnlySpan<long> shape, string name)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"tensor '{name}' needs a fixed shape without negative dimensions; got {ShapeText.Format(shape.ToArray())}");
            }
            // Both factors are at most Array.MaxLength, so the product cannot overflow and wrap
            // to a small count that a short buffer would match.
            count = dimension > Array.MaxLength ? long.MaxValue : count * dimension;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"tensor '{name}' with shape {ShapeText.Format(shape.ToArray())} is too large");
            }
        }
        return (int)count;
    }
}
