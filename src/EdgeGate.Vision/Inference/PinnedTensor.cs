using Microsoft.ML.OnnxRuntime;

namespace EdgeGate.Vision.Inference;

/// <summary>
/// A float32 tensor whose buffer lives on the pinned object heap and is wrapped once as an
/// <see cref="OrtValue"/>, so runs read and write it in place without copying or allocating. Fill
/// <see cref="Span"/> before a run (inputs) or read it after (outputs).
/// </summary>
public sealed class PinnedTensor : IDisposable
{
    private readonly float[] buffer;
    private readonly long[] shape;

    internal PinnedTensor(string name, long[] shape)
    {
        Name = name;
        this.shape = shape;
        buffer = GC.AllocateArray<float>(ElementCount(shape, name), pinned: true);
        Value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(buffer), shape);
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

    internal OrtValue Value { get; }

    public void Dispose() => Value.Dispose();

    /// <summary>
    /// Elements a tensor of <paramref name="shape"/> holds. A negative dimension or a count beyond
    /// the largest array is refused, so a buffer always holds exactly what its shape describes.
    /// </summary>
    internal static int ElementCount(ReadOnlySpan<long> shape, string name)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"tensor '{name}' needs a fixed shape without negative dimensions; got {FormatShape(shape.ToArray())}");
            }
            // Both factors are at most Array.MaxLength, so the product cannot overflow and wrap
            // to a small count that a short buffer would match.
            count = dimension > Array.MaxLength ? long.MaxValue : count * dimension;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"tensor '{name}' with shape {FormatShape(shape.ToArray())} is too large");
            }
        }
        return (int)count;
    }

    internal static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";
}
