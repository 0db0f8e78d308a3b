using EdgeGate.Imaging;

namespace EdgeGate.Capture;

/// <summary>
/// A reusable destination for captured frames (BGR, rows packed). It grows when a frame does not
/// fit and is otherwise reused, so reading a stream allocates nothing per frame. Not thread-safe:
/// hand frames between threads by swapping buffers or with <see cref="CopyFrom"/>.
/// </summary>
public sealed class BgrFrameBuffer
{
    private byte[] buffer;

    public BgrFrameBuffer(int width = 0, int height = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        buffer = new byte[checked(width * height * 3)];
    }

    /// <summary>Width of the frame held (0 before the first frame).</summary>
    public int Width { get; private set; }

    public int Height { get; private set; }

    public int Stride => Width * 3;

    /// <summary>Position of the frame in the stream, in milliseconds (as the demuxer reports it).</summary>
    public double TimestampMilliseconds { get; private set; }

    /// <summary>Counts frames read into this buffer by a <see cref="VideoSource"/> (from 1).</summary>
    public long SequenceNumber { get; private set; }

    public bool HasFrame => Width > 0;

    /// <summary>Bytes this buffer can hold without growing.</summary>
    public int Capacity => buffer.Length;

    public ReadOnlyImageSpan AsReadOnlySpan() => AsSpan();

    public ImageSpan AsSpan()
    {
        if (!HasFrame)
        {
            throw new InvalidOperationException("the buffer holds no frame yet");
        }
        return new ImageSpan(buffer.AsSpan(0, Stride * Height), Width, Height, Stride, PixelFormat.Bgr24);
    }

    /// <summary>Copies another buffer's frame (growing if needed).</summary>
    public void CopyFrom(BgrFrameBuffer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var length = other.Stride * other.Height;
        EnsureCapacity(length);
        other.buffer.AsSpan(0, length).CopyTo(buffer);
        SetFrame(other.Width, other.Height, other.TimestampMilliseconds, other.SequenceNumber);
    }

    internal Span<byte> WritableMemory => buffer;

    internal void EnsureCapacity(int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[length];
        }
    }

    internal void SetFrame(int width, int height, double timestampMilliseconds, long sequenceNumber)
    {
        Width = width;
        Height = height;
        TimestampMilliseconds = timestampMilliseconds;
        SequenceNumber = sequenceNumber;
    }
}
