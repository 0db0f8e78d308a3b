using System.Numerics;
using EdgeGate.Imaging;
using EdgeGate.Vision.Inference;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Faces;

/// <summary>
/// Face landmarks (manifest model "landmarks"): the square face box is cropped, resized to the
/// model input (bilinear), made grey and scaled per the manifest; the output gives the points
/// relative to the crop. A box reaching past the frame edge (a face cut by it) is filled by
/// mirroring the frame at the edge. Allocates nothing per face.
/// Not thread-safe.
/// </summary>
public sealed class LandmarkDetector : IDisposable
{
    private readonly FaceModelSession model;
    private readonly byte[] resized;
    private readonly byte[] gray;

    public LandmarkDetector(ModelCatalog catalog, FaceModelFacts facts, InferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(facts);
        model = new FaceModelSession(catalog, ModelNames.Landmarks, options ?? new InferenceOptions());
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
        var width = model.InputWidth;
        var height = model.InputHeight;
        var colour = new ImageSpan(resized, width, height, width * 3, PixelFormat.Bgr24);
        var grey = new ImageSpan(gray, width, height, width, PixelFormat.Gray8);
        var crop = squareBox;
        if (squareBox.IsInside(frame.Width, frame.Height))
        {
            ImageOps.Resize(frame.Slice(crop.X, crop.Y, crop.Width, crop.Height), colour, Interpolation.Linear);
        }
        else
        {
            ResizeReflected(frame, squareBox, colour);
        }
        ImageOps.ToGray(colour, grey);
        ImageTensor.FillGray(grey, model.Input.Span, model.Description.Mean, model.Description.Scale);
        model.Run();
        LandmarkDecoder.Decode(model.Output(0).Span, crop, points);
        return crop;
    }

    /// <summary>
    /// Bilinear resize of a box that reaches past the frame edge, the missing part mirrored from
    /// the frame (OpenCV's BORDER_REFLECT_101). A face cut by the frame edge keeps its shape and
    /// place in the crop, which the landmark model needs; black or stretched crops move the points
    /// on the cut side by a fifth of the face width.
    /// </summary>
    internal static void ResizeReflected(ReadOnlyImageSpan frame, PixelRectangle box, ImageSpan destination)
    {
        var scaleX = (float)box.Width / destination.Width;
        var scaleY = (float)box.Height / destination.Height;
        for (var row = 0; row < destination.Height; row++)
        {
            var sourceY = box.Y + ((row + 0.5f) * scaleY) - 0.5f;
            var y0 = (int)MathF.Floor(sourceY);
            var fy = sourceY - y0;
            var upper = frame.Row(Reflect(y0, frame.Height));
            var lower = frame.Row(Reflect(y0 + 1, frame.Height));
            var target = destination.Row(row);
            for (var column = 0; column < destination.Width; column++)
            {
                var sourceX = box.X + ((column + 0.5f) * scaleX) - 0.5f;
                var x0 = (int)MathF.Floor(sourceX);
                var fx = sourceX - x0;
                var left = Reflect(x0, frame.Width) * 3;
                var right = Reflect(x0 + 1, frame.Width) * 3;
                for (var channel = 0; channel < 3; channel++)
                {
                    var top = upper[left + channel] + ((upper[right + channel] - upper[left + channel]) * fx);
                    var bottom = lower[left + channel] + ((lower[right + channel] - lower[left + channel]) * fx);
                    target[(column * 3) + channel] = (byte)Math.Clamp((int)MathF.Round(top + ((bottom - top) * fy)), 0, 255);
                }
            }
        }
    }

    /// <summary>Mirrors an index into 0..length−1 without repeating the edge pixel (…2 1 | 0 1 2 … n−1 | n−2 …).</summary>
    internal static int Reflect(int index, int length)
    {
        if (length == 1)
        {
            return 0;
        }
        if (index < 0)
        {
            index = -index;
        }
        if (index >= length)
        {
            index = (2 * (length - 1)) - index;
        }
        return Math.Clamp(index, 0, length - 1);
    }

    /// <summary>Stopwatch ticks spent inside ONNX Runtime so far.</summary>
    internal long InferenceTicks => model.RunTicks;

    internal FaceModelSession Model => model;

    public void Dispose() => model.Dispose();
}
