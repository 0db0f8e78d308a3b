using EdgeGate.Imaging;
using EdgeGate.Vision.Models;

namespace EdgeGate.Vision.Faces;

/// <summary>Fills NCHW float model inputs from 8-bit images: (p − mean) / scale, in the model's channel order.</summary>
public static class ImageTensor
{
    /// <summary>
    /// Writes a BGR image into a [1, 3, H, W] tensor as planes in <paramref name="order"/> (RGB or BGR).
    /// </summary>
    public static void FillColour(ReadOnlyImageSpan bgr, Span<float> tensor, ChannelOrder order, float mean, float scale)
    {
        if (bgr.Format != PixelFormat.Bgr24)
        {
            throw new ArgumentException($"expected a {PixelFormat.Bgr24} image, got {bgr.Format}", nameof(bgr));
        }
        if (order is not (ChannelOrder.Rgb or ChannelOrder.Bgr))
        {
            throw new ArgumentException($"a colour tensor is RGB or BGR, not {order}", nameof(order));
        }
        var plane = bgr.Width * bgr.Height;
        if (tensor.Length != 3 * plane)
        {
            throw new ArgumentException($"a {bgr.Width}x{bgr.Height} image fills {3 * plane} values, the tensor has {tensor.Length}", nameof(tensor));
        }
        var inverseScale = 1f / scale;
        // Plane index of the image's blue channel (byte 0) and red channel (byte 2).
        var bluePlane = order == ChannelOrder.Bgr ? 0 : 2;
        var redPlane = 2 - bluePlane;
        var blue = tensor.Slice(bluePlane * plane, plane);
        var green = tensor.Slice(plane, plane);
        var red = tensor.Slice(redPlane * plane, plane);
        var offset = 0;
        for (var y = 0; y < bgr.Height; y++)
        {
            var row = bgr.Row(y);
            for (var x = 0; x < bgr.Width; x++)
            {
                blue[offset] = (row[3 * x] - mean) * inverseScale;
                green[offset] = (row[(3 * x) + 1] - mean) * inverseScale;
                red[offset] = (row[(3 * x) + 2] - mean) * inverseScale;
                offset++;
            }
        }
    }

    /// <summary>Writes a grey image into a [1, 1, H, W] tensor.</summary>
    public static void FillGray(ReadOnlyImageSpan gray, Span<float> tensor, float mean, float scale)
    {
        if (gray.Format != PixelFormat.Gray8)
        {
            throw new ArgumentException($"expected a {PixelFormat.Gray8} image, got {gray.Format}", nameof(gray));
        }
        if (tensor.Length != gray.Width * gray.Height)
        {
            throw new ArgumentException($"a {gray.Width}x{gray.Height} image fills {gray.Width * gray.Height} values, the tensor has {tensor.Length}", nameof(tensor));
        }
        var inverseScale = 1f / scale;
        var offset = 0;
        for (var y = 0; y < gray.Height; y++)
        {
            var row = gray.Row(y);
            for (var x = 0; x < gray.Width; x++)
            {
                tensor[offset++] = (row[x] - mean) * inverseScale;
            }
        }
    }
}
