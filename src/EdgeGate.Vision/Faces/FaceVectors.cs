using System.Numerics.Tensors;

namespace EdgeGate.Vision.Faces;

/// <summary>Vector operations of the pipeline: L2 normalisation, softmax, cosine of unit vectors.</summary>
public static class FaceVectors
{
    /// <summary>Scales <paramref name="values"/> to unit length in place; returns the original norm (0 leaves the vector as is).</summary>
    public static float NormaliseL2(Span<float> values)
    {
        var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)values);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(values, norm, values);
        }
        return norm;
    }

    /// <summary>Softmax of <paramref name="logits"/> into <paramref name="probabilities"/> (same length).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (logits.Length == 0 || logits.Length != probabilities.Length)
        {
            throw new ArgumentException("softmax needs non-empty input and output of the same length");
        }
        // Shift by the maximum so large logits cannot overflow.
        var maximum = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, maximum, probabilities);
        TensorPrimitives.Exp(probabilities, probabilities);
        var sum = TensorPrimitives.Sum((ReadOnlySpan<float>)probabilities);
        TensorPrimitives.Divide(probabilities, sum, probabilities);
    }

    /// <summary>Cosine similarity of two L2-normalised embeddings (their dot product).</summary>
    public static float Cosine(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        if (first.Length != second.Length)
        {
            throw new ArgumentException($"embeddings of different lengths: {first.Length} and {second.Length}");
        }
        return TensorPrimitives.Dot(first, second);
    }
}
