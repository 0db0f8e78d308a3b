using EdgeGate.Imaging;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// Finds faces in a BGR frame (manifest model "detect"): the frame is stretched to the model's
/// input size (bilinear), converted per the manifest, and the outputs decoded by
/// <see cref="DetectionDecoder"/>. Buffers are made once; detecting allocates nothing.
/// Not thread-safe: one detector per thread.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    private readonly FaceModelSession model;
    private readonly DetectionDecoder decoder;
    private readonly byte[] resized;

    public FaceDetector(ModelCatalog catalog, FaceModelFacts facts, InferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(facts);
        model = new FaceModelSession(catalog, ModelNames.Detect, options ?? new InferenceOptions());
        try
        {
            var scores = model.Output(0);
            decoder = new DetectionDecoder(facts.DetectorPostprocessing, checked((int)scores.Shape[1]));
            if (model.Output(1).Length != decoder.AnchorCount * 4 || scores.Length != decoder.AnchorCount * 2)
            {
                throw new InvalidDataException($"detector outputs {ShapeOf(scores)} and {ShapeOf(model.Output(1))} are not [1, N, 2] and [1, N, 4]");
            }
            resized = new byte[model.InputWidth * model.InputHeight * 3];
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Finds the faces of <paramref name="frame"/> (BGR) into <paramref name="faces"/>, best first.</summary>
    public void Detect(ReadOnlyImageSpan frame, List<FaceDetection> faces)
    {
        RequireBgr(frame);
        var input = new ImageSpan(resized, model.InputWidth, model.InputHeight, model.InputWidth * 3, PixelFormat.Bgr24);
        ImageOps.Resize(frame, input, Interpolation.Linear);
        ImageTensor.FillColour(input, model.Input.Span, model.Description.ChannelOrder, model.Description.Mean, model.Description.Scale);
        model.Run();
        decoder.Decode(model.Output(0).Span, model.Output(1).Span, frame.Width, frame.Height, faces);
    }

    /// <summary>Finds the faces of <paramref name="frame"/> (BGR), best first.</summary>
    public IReadOnlyList<FaceDetection> Detect(ReadOnlyImageSpan frame)
    {
        var faces = new List<FaceDetection>();
        Detect(frame, faces);
        return faces;
    }

    /// <summary>Stopwatch ticks spent inside ONNX Runtime so far.</summary>
    internal long InferenceTicks => model.RunTicks;

    internal FaceModelSession Model => model;

    public void Dispose() => model.Dispose();

    internal static void RequireBgr(ReadOnlyImageSpan frame)
    {
        if (frame.Format != PixelFormat.Bgr24)
        {
            throw new ArgumentException($"the face pipeline takes {PixelFormat.Bgr24} frames, not {frame.Format}", nameof(frame));
        }
    }

    private static string ShapeOf(PinnedTensor tensor) => $"[{string.Join(", ", tensor.Shape)}]";
}
