using EdgeGate.Imaging;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// Face embedding (manifest model "embedding") of an aligned face, L2-normalised so similarity is
/// the dot product. <see cref="ModelId"/> names the embedding space: templates made with another
/// model id are not comparable. Allocates nothing per face. Not thread-safe.
/// </summary>
public sealed class FaceEmbedder : IDisposable
{
    private readonly FaceModelSession model;

    public FaceEmbedder(ModelCatalog catalog, InferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        model = new FaceModelSession(catalog, ModelNames.Embedding, options ?? new InferenceOptions());
        try
        {
            if (model.InputWidth != model.InputHeight)
            {
                throw new InvalidDataException($"the embedding model input {model.InputWidth}x{model.InputHeight} is not square");
            }
            ModelId = model.Description.ModelId is { Length: > 0 } id
                ? id
                : throw new InvalidDataException("the embedding model has no modelId in the manifest");
            Dimension = model.Output(0).Length;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The manifest's modelId of the embedding model (stored with every template).</summary>
    public string ModelId { get; }

    /// <summary>Length of an embedding (512).</summary>
    public int Dimension { get; }

    /// <summary>Side of the aligned face the model takes (112).</summary>
    public int InputSize => model.InputWidth;

    /// <summary>Embeds an aligned BGR face into <paramref name="embedding"/> (unit length); returns the raw norm.</summary>
    public float Embed(ReadOnlyImageSpan alignedFace, Span<float> embedding)
    {
        if (alignedFace.Width != InputSize || alignedFace.Height != InputSize)
        {
            throw new ArgumentException($"the aligned face must be {InputSize}x{InputSize}", nameof(alignedFace));
        }
        if (embedding.Length != Dimension)
        {
            throw new ArgumentException($"room for {Dimension} values needed, got {embedding.Length}", nameof(embedding));
        }
        ImageTensor.FillColour(alignedFace, model.Input.Span, model.Description.ChannelOrder, model.Description.Mean, model.Description.Scale);
        model.Run();
        model.Output(0).Span.CopyTo(embedding);
        return FaceVectors.NormaliseL2(embedding);
    }

    /// <summary>Stopwatch ticks spent inside ONNX Runtime so far.</summary>
    internal long InferenceTicks => model.RunTicks;

    internal FaceModelSession Model => model;

    public void Dispose() => model.Dispose();
}
