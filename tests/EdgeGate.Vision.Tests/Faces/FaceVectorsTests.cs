using EdgeGate.Vision.Faces;

namespace EdgeGate.Vision.Tests.Faces;

public sealed class FaceVectorsTests
{
    [Fact]
    public void L2_normalisation_gives_unit_length_and_returns_the_old_norm()
    {
        float[] values = [3f, 4f, 0f, 12f];

        var norm = FaceVectors.NormaliseL2(values);

        Assert.Equal(13f, norm, 4);
        Assert.Equal(1f, FaceVectors.Cosine(values, values), 5);
        Assert.Equal(4f / 13f, values[1], 5);
    }

    [Fact]
    public void Zero_vector_stays_zero()
    {
        float[] values = [0f, 0f];
        Assert.Equal(0f, FaceVectors.NormaliseL2(values));
        Assert.Equal([0f, 0f], values);
    }

    [Fact]
    public void Softmax_sums_to_one_and_survives_large_logits()
    {
        var probabilities = new float[3];

        FaceVectors.Softmax([1000f, 999f, 0f], probabilities);

        Assert.Equal(1f, probabilities.Sum(), 5);
        Assert.Equal(1f / (1f + MathF.Exp(-1f)), probabilities[0], 5);
        Assert.True(probabilities[2] >= 0f && probabilities[2] < 1e-30f);

        FaceVectors.Softmax([0f, 0f], probabilities.AsSpan(0, 2));
        Assert.Equal(0.5f, probabilities[0], 6);
    }
}
