using EdgeGate.Imaging;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// Liveness (manifest model "liveness"): a square crop of cropScale × the square face box (clamped
/// to fit and shifted inside the frame, never padded), resized to the model input, softmax over
/// the output; P(real) is the manifest's realClassIndex. One signal among several, never the only
/// control: weak on full-frame replays. Allocates nothing per face. Not thread-safe.
/// </summary>
public sealed class LivenessChecker : IDisposable
{
    private readonly FaceModelSession model;
    private readonly float cropScale;
    private readonly int realClassIndex;
    private readonly byte[] resized;
    private readonly float[] probabilities;

    public LivenessChecker(ModelCatalog catalog, FaceModelFacts facts, InferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(facts);
        model = new FaceModelSession(catalog, ModelNames.Liveness, options ?? new InferenceOptions());
        try
        {
            cropScale = facts.LivenessCropScale;
            realClassIndex = facts.LivenessRealClassIndex;
            probabilities = new float[model.Output(0).Length];
            if (realClassIndex < 0 || realClassIndex >= probabilities.Length)
            {
                throw new InvalidDataException($"liveness realClassIndex {realClassIndex} is not one of the model's {probabilities.Length} classes");
            }
            resized = new byte[model.InputWidth * model.InputHeight * 3];
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>P(real) for the face in <paramref name="squareBox"/>; also returns the crop the model saw.</summary>
    public float ProbabilityReal(ReadOnlyImageSpan frame, PixelRectangle squareBox, out PixelRectangle crop)
    {
        FaceDetector.RequireBgr(frame);
        crop = FaceGeometry.ScaledCrop(squareBox, cropScale, frame.Width, frame.Height);
        if (crop.IsEmpty)
        {
            throw new ArgumentException("the face box is empty", nameof(squareBox));
        }
        var input = new ImageSpan(resized, model.InputWidth, model.InputHeight, model.InputWidth * 3, PixelFormat.Bgr24);
        ImageOps.Resize(frame.Slice(crop.X, crop.Y, crop.Width, crop.Height), input, Interpolation.Linear);
        ImageTensor.FillColour(input, model.Input.Span, model.Description.ChannelOrder, model.Description.Mean, model.Description.Scale);
        model.Run();
        FaceVectors.Softmax(model.Output(0).Span, probabilities);
        return probabilities[realClassIndex];
    }

    public float ProbabilityReal(ReadOnlyImageSpan frame, PixelRectangle squareBox) => ProbabilityReal(frame, squareBox, out _);

    /// <summary>The resized crop (BGR) the model saw on the last call, valid until the next one.</summary>
    public ReadOnlyImageSpan LastInput => new(resized, model.InputWidth, model.InputHeight, model.InputWidth * 3, PixelFormat.Bgr24);

    /// <summary>Stopwatch ticks spent inside ONNX Runtime so far.</summary>
    internal long InferenceTicks => model.RunTicks;

    internal FaceModelSession Model => model;

    public void Dispose() => model.Dispose();
}
