using System.Buffers.Binary;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Tests.Inference;

/// <summary>
/// The deterministic input and the onnxruntime-node reference outputs of
/// Reference/make-reference.js (see its header for how to regenerate them).
/// </summary>
internal static class ReferenceData
{
    public const double Tolerance = 1e-5;

    private static readonly Lazy<ModelCatalog> CatalogLazy = new(() => ModelCatalog.Locate());

    /// <summary>The models copied beside the test assembly by the build.</summary>
    public static ModelCatalog Catalog => CatalogLazy.Value;

    /// <summary>Element i = (float)(sin(i * 0.001) * 0.9), the formula of make-reference.js.</summary>
    public static void Fill(Span<float> destination)
    {
        for (var index = 0; index < destination.Length; index++)
        {
            destination[index] = (float)(Math.Sin(index * 0.001) * 0.9);
        }
    }

    public static float[] Create(int length)
    {
        var data = new float[length];
        Fill(data);
        return data;
    }

    /// <summary>Reads Reference/&lt;model&gt;.&lt;output&gt;.f32 (float32 little-endian).</summary>
    public static float[] ReadOutput(string modelStem, string outputName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Inference", "Reference", $"{modelStem}.{outputName}.f32");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length % 4 == 0, $"{path} is not a whole number of float32 values");
        var values = new float[bytes.Length / 4];
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(index * 4));
        }
        return values;
    }

    public static double MaxAbsoluteDifference(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (var index = 0; index < actual.Length; index++)
        {
            Assert.False(float.IsNaN(actual[index]), $"NaN at {index}");
            max = Math.Max(max, Math.Abs((double)actual[index] - expected[index]));
        }
        return max;
    }
}
