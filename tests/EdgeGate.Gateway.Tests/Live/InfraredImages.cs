using EdgeGate.Imaging;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>Test pictures for a paired near-infrared camera.</summary>
internal static class InfraredImages
{
    /// <summary>Writes <paramref name="photo"/> as a near-infrared camera would stream it (grey, in BGR) to <paramref name="path"/>.</summary>
    public static string GreyCopy(string photo, string path)
    {
        using var image = BgrImage.Load(photo);
        var grey = new byte[image.Width * image.Height];
        var greySpan = new ImageSpan(grey, image.Width, image.Height, image.Width, PixelFormat.Gray8);
        ImageOps.ToGray(image.AsReadOnlySpan(), greySpan);
        using var back = BgrImage.Create(image.Width, image.Height);
        ImageOps.ConvertColor(greySpan, back.AsSpan());
        File.WriteAllBytes(path, back.EncodeJpeg(92));
        return path;
    }
}
