namespace EdgeGate.Gallery;

/// <summary>
/// A query quantised like the gallery rows, in the layouts the int8 kernels read: the values, their
/// magnitudes (for AVX2's unsigned-by-signed multiply) and the values widened to 16 bits (for the
/// portable kernel). Buffers are per thread and reused, so a search allocates nothing.
/// </summary>
internal sealed class QuantisedQuery
{
    [ThreadStatic]
    private static QuantisedQuery? current;

    private QuantisedQuery(int stride)
    {
        Values = new sbyte[stride];
        Magnitudes = new byte[stride];
        Widened = new short[stride];
    }

    public sbyte[] Values { get; }

    public byte[] Magnitudes { get; }

    public short[] Widened { get; }

    public float InverseScale { get; private set; }

    /// <summary>This thread's buffers, filled from a unit query of <paramref name="dimension"/> values.</summary>
    public static QuantisedQuery ForCurrentThread(ReadOnlySpan<float> unit, int dimension, int stride)
    {
        var query = current is { } existing && existing.Values.Length == stride ? existing : current = new QuantisedQuery(stride);
        query.InverseScale = EmbeddingKernels.Quantise(unit[..dimension], query.Values);
        query.Values.AsSpan(dimension).Clear();
        for (var i = 0; i < stride; i++)
        {
            var value = query.Values[i];
            query.Magnitudes[i] = (byte)Math.Abs((int)value);
            query.Widened[i] = value;
        }

        return query;
    }

    /// <summary>A query built from given values (tests).</summary>
    public static QuantisedQuery FromValues(ReadOnlySpan<sbyte> values, float inverseScale)
    {
        var query = new QuantisedQuery(values.Length) { InverseScale = inverseScale };
        for (var i = 0; i < values.Length; i++)
        {
            query.Values[i] = values[i];
            query.Magnitudes[i] = (byte)Math.Abs((int)values[i]);
            query.Widened[i] = values[i];
        }

        return query;
    }
}
