using System.Buffers.Binary;

namespace EdgeGate.Imaging;

/// <summary>The size a JPEG declares in its frame header (SOF), read without decoding it.</summary>
public static class JpegHeader
{
    /// <summary>True and the size when <paramref name="encoded"/> is a JPEG with a frame header; false for anything else.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> encoded, out int width, out int height)
    {
        width = 0;
        height = 0;
        if (encoded.Length < 4 || encoded[0] != 0xFF || encoded[1] != 0xD8)
        {
            return false;
        }
        var position = 2;
        while (position + 4 <= encoded.Length)
        {
            if (encoded[position] != 0xFF)
            {
                return false;
            }
            var marker = encoded[position + 1];
            if (marker == 0xFF)
            {
                // Fill byte before a marker.
                position++;
                continue;
            }
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                // Markers without a length.
                position += 2;
                continue;
            }
            if (marker is 0xD9 or 0xDA)
            {
                // End of image, or the scan began before any frame header.
                return false;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(encoded[(position + 2)..]);
            if (length < 2)
            {
                return false;
            }
            // SOF0..SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (position + 9 > encoded.Length)
                {
                    return false;
                }
                height = BinaryPrimitives.ReadUInt16BigEndian(encoded[(position + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(encoded[(position + 7)..]);
                return width > 0 && height > 0;
            }
            position += 2 + length;
        }
        return false;
    }
}
