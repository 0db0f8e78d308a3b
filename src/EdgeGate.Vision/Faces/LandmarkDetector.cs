using System.Numerics;
using EdgeGate.Vision.Imaging;
using EdgeGate.Vision.Interop.Onnx;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// Face landmarks (manifest model "landmarks"): the square face box is cropped (shifted inside
/// the frame, never padded), resized to the model input (bilinear), made grey and scaled per the
/// manifest; the output gives the points relative to the crop. Allocates nothing per face.
/// Not thread-safe.
/// </summary>
public sealed class LandmarkDetector : IDisposable
{
    private readonly FaceModelSession model;
    private readonly byte[] resized;
    private readonly byte[] gray;

    public LandmarkDetector(ModelCatalog catalog, FaceModelFacts facts, SessionOptions? options = null, OnnxRuntime? runtime = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(facts);
        model = new FaceModelSession(catalog, ModelNames.Landmarks, options ?? new SessionOptions(), runtime ?? OnnxRuntime.Load());
        try
        {
            if (model.Description.ChannelOrder != ChannelOrder.Gray || model.Input.Shape[1] != 1)
            {
                throw new InvalidDataException("the landmark model must take one grey channel");
            }
            var output = model.Output(0);
            if (output.Length % 2 != 0)
            {
                throw new InvalidDataException($"the landmark model gives {output.Length} values, not x, y pairs");
            }
            PointCount = output.Length / 2;
            facts.LandmarkLayout.Validate(PointCount);
            Layout = facts.LandmarkLayout;
            resized = new byte[model.InputWidth * model.InputHeight * 3];
            gray = new byte[model.InputWidth * model.InputHeight];
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Number of points the model gives (68).</summary>
    public int PointCount { get; }

    public LandmarkLayout Layout { get; }

    /// <summary>
    /// Writes the landmarks of the face in <paramref name="squareBox"/> to <paramref name="points"/>
    /// (<see cref="PointCount"/> of them, frame pixels) and returns the crop the model saw.
    /// </summary>
    public PixelRectangle Detect(ReadOnlyImageSpan frame, PixelRectangle squareBox, Span<Vector2> points)
    {
        FaceDetector.RequireBgr(frame);
        if (squareBox.IsEmpty)
        {
            throw new ArgumentException("the face box is empty", nameof(squareBox));
        }
        if (points.Length != PointCount)
        {
            throw new ArgumentException($"room for {PointCount} points needed, got {points.Length}", nameof(points));
        }
        var crop = FaceGeometry.ShiftInside(squareBox, frame.Width, frame.Height);
        var width = model.InputWidth;
        var height = model.InputHeight;
        var colour = new ImageSpan(resized, width, height, width * 3, PixelFormat.Bgr24);
        var grey = new ImageSpan(gray, width, height, width, PixelFormat.Gray8);
        ImageOps.Resize(frame.Slice(crop.X, crop.Y, crop.Width, crop.Height), colour, Interpolation.Linear);
        ImageOps.ToGray(colour, grey);
        ImageTensor.FillGray(grey, model.Input.Span, model.Description.Mean, model.Description.Scale);
        model.Run();
        LandmarkDecoder.Decode(model.Output(0).Span, crop, points);
        return crop;
    }

    /// <summary>Stopwatch ticks spent inside ONNX Runtime so far.</summary>
    internal long InferenceTicks => model.RunTicks;

    internal FaceModelSession Model => model;

    public void Dispose() => model.Dispose();
}
