using EdgeGate.Imaging.Interop.OpenCv;

namespace EdgeGate.Imaging;

/// <summary>The colour matrix of a stream's 4:2:0 frames (limited range).</summary>
public enum ColourMatrix
{
    /// <summary>ITU-R BT.601, what the video capture's conversion back to BGR assumes.</summary>
    Bt601 = 601,

    /// <summary>ITU-R BT.709, what high-definition cameras and GStreamer's converter use for 720p and up.</summary>
    Bt709 = 709,
}

/// <summary>How a camera codes its stream for <see cref="H264RoundTrip"/>.</summary>
/// <param name="FrameRate">Frames per second.</param>
/// <param name="BitRate">Constant bit rate in bits per second.</param>
/// <param name="KeyInterval">A key frame every this many frames.</param>
/// <param name="Matrix">The colour matrix of the coded frames.</param>
public readonly record struct H264Settings(int FrameRate, int BitRate, int KeyInterval, ColourMatrix Matrix);

/// <summary>
/// Frames through H.264 and back, as a camera's stream reaches the gate: libx264 (preset ultrafast,
/// tune zerolatency, constrained baseline, constant bit rate with a 600 ms buffer, the settings of
/// the RTSP test server's x264enc), then FFmpeg's decoder and the capture's conversion to BGR.
/// Deterministic: the same frames and settings give the same pixels.
/// </summary>
public static class H264RoundTrip
{
    /// <summary>
    /// Codes <paramref name="count"/> BGR frames of <paramref name="width"/> x <paramref name="height"/>
    /// packed in <paramref name="frames"/> (rows of width * 3 bytes) as one stream starting with a key
    /// frame, and writes the last one as decoded into <paramref name="destination"/> (same size).
    /// Returns the stream's size in bytes.
    /// </summary>
    public static long LastFrame(ReadOnlySpan<byte> frames, int count, int width, int height, H264Settings settings, ImageSpan destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.FrameRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BitRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.KeyInterval, 1);
        if (destination.Format != PixelFormat.Bgr24 || destination.Width != width || destination.Height != height)
        {
            throw new ArgumentException($"destination must be {PixelFormat.Bgr24} of {width}x{height}", nameof(destination));
        }
        if (frames.Length < (long)count * width * height * 3)
        {
            throw new ArgumentException($"{count} frames of {width}x{height} need {(long)count * width * height * 3} bytes, not {frames.Length}", nameof(frames));
        }
        return NativeMethods.H264RoundTrip(
            frames, count, width, height, width * 3, settings.FrameRate, settings.BitRate, settings.KeyInterval, (int)settings.Matrix, destination);
    }
}
