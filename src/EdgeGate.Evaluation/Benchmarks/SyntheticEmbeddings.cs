using System.Numerics.Tensors;

namespace EdgeGate.Evaluation.Benchmarks;

/// <summary>
/// Reproducible synthetic face embeddings: random unit vectors (isotropic Gaussian, normalised) for
/// person centres, and noisy samples around a centre for that person's templates and probes. With
/// noise σ a sample's cosine to its centre is about 1/√(1+σ²); two random 512-d vectors have cosine
/// ≈ 0 ± 0.044, much like different people under a real face model. The generator is a fast
/// xorshift with an approximate Gaussian (sum of four uniforms), so a million 512-d vectors take
/// seconds, not minutes.
/// </summary>
public sealed class SyntheticEmbeddings(int dimension, int seed)
{
    private ulong state = (0x9E3779B97F4A7C15UL ^ ((ulong)(uint)seed * 0xBF58476D1CE4E5B9UL)) | 1UL;

    public int Dimension { get; } = dimension;

    /// <summary>Writes a uniformly random unit vector.</summary>
    public void NextUnit(Span<float> destination)
    {
        var target = destination[..Dimension];
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = NextGaussian();
        }

        TensorPrimitives.Divide(target, TensorPrimitives.Norm(target), target);
    }

    /// <summary>Writes normalise(centre + σ·g/√d) for a standard Gaussian g: a sample of the same person.</summary>
    public void NextNear(ReadOnlySpan<float> centre, float noise, Span<float> destination)
    {
        var target = destination[..Dimension];
        var perComponent = noise / MathF.Sqrt(Dimension);
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = centre[i] + perComponent * NextGaussian();
        }

        TensorPrimitives.Divide(target, TensorPrimitives.Norm(target), target);
    }

    public float[] NextUnit()
    {
        var vector = new float[Dimension];
        NextUnit(vector);
        return vector;
    }

    public float[] NextNear(ReadOnlySpan<float> centre, float noise)
    {
        var vector = new float[Dimension];
        NextNear(centre, noise, vector);
        return vector;
    }

    public int NextInt(int maximumExclusive) => (int)((NextBits() >> 33) % (ulong)maximumExclusive);

    private ulong NextBits()
    {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1DUL;
    }

    private float NextGaussian()
    {
        // Irwin–Hall: four 16-bit uniforms summed have mean 2 and variance 1/3; rescaled to unit variance.
        var bits = NextBits();
        var sum = (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48);
        return ((sum / 65536f) - 2f) * 1.7320508f;
    }
}
