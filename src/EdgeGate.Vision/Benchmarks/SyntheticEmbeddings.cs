using System.Numerics.Tensors;

namespace EdgeGate.Vision.Benchmarks;

/// <summary>
/// Reproducible synthetic face embeddings: random unit vectors (isotropic Gaussian, normalised) for
/// person centres, and noisy samples around a centre for that person's templates and probes. With
/// noise σ a sample's cosine to its centre is about 1/√(1+σ²); two random 512-d vectors have cosine
/// ≈ 0 ± 0.044, much like different people under a real face model.
/// </summary>
public sealed class SyntheticEmbeddings(int dimension, int seed)
{
    private readonly Random random = new(seed);

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

    public int NextInt(int maximumExclusive) => random.Next(maximumExclusive);

    private float NextGaussian()
    {
        // Box–Muller; one of the pair is enough here.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
