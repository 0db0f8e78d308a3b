using EdgeGate.Imaging;

namespace EdgeGate.Tools.Bench;

/// <summary>
/// The time stamp the RTSP test server (<c>Demo/rtsp_server.py --stamp</c>) draws into each frame
/// when it pushes it, read back from the decoded frame: 64 bits as 2 rows of 32 white (1) or black
/// (0) squares of 8×8 pixels in the top-left corner, least significant bit first. Bits 0–47 are the
/// server's CLOCK_MONOTONIC at push time in microseconds (the frame's "glass" time; the server runs on
/// this machine, so it is this process's <see cref="System.Diagnostics.Stopwatch"/> clock), bits
/// 48–55 the stream id, bits 56–63 the XOR of the seven bytes before them.
/// </summary>
internal static class GlassStamp
{
    public const int Block = 8;
    public const int Columns = 32;
    public const int Rows = 2;

    /// <summary>Reads the stamp of a BGR frame; false when the frame carries none (or it does not check).</summary>
    public static bool TryRead(ReadOnlyImageSpan frame, out long microseconds, out int streamId)
    {
        microseconds = 0;
        streamId = 0;
        if (frame.Format != PixelFormat.Bgr24 || frame.Width < Columns * Block || frame.Height < Rows * Block)
        {
            return false;
        }
        ulong value = 0;
        for (var row = 0; row < Rows; row++)
        {
            for (var column = 0; column < Columns; column++)
            {
                // The mean luma of the square's central 2×2 pixels: far from the edges the codec blurs.
                var y = (row * Block) + (Block / 2) - 1;
                var x = (column * Block) + (Block / 2) - 1;
                var sum = 0;
                for (var dy = 0; dy < 2; dy++)
                {
                    var line = frame.Row(y + dy);
                    for (var dx = 0; dx < 2; dx++)
                    {
                        var pixel = (x + dx) * 3;
                        sum += line[pixel] + (2 * line[pixel + 1]) + line[pixel + 2];
                    }
                }
                if (sum > 128 * 4 * 4)
                {
                    value |= 1UL << ((row * Columns) + column);
                }
            }
        }
        byte check = 0;
        for (var index = 0; index < 7; index++)
        {
            check ^= (byte)(value >> (8 * index));
        }
        if (check != (byte)(value >> 56))
        {
            return false;
        }
        microseconds = (long)(value & ((1UL << 48) - 1));
        streamId = (int)((value >> 48) & 0xFF);
        return true;
    }
}
