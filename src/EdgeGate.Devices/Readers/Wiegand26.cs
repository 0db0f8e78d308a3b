namespace EdgeGate.Devices.Readers;

/// <summary>A decoded Wiegand-26 frame (H10301).</summary>
/// <param name="Facility">8-bit facility (site) code.</param>
/// <param name="Number">16-bit card number.</param>
/// <param name="Bits">The 26 bits as received, first bit in bit 25.</param>
public sealed record Wiegand26Frame(byte Facility, ushort Number, uint Bits)
{
    /// <summary>
    /// The card number EdgeGate stores: facility × 65536 + number (the 24-bit value many readers
    /// print), as 8 decimal digits with leading zeros, e.g. facility 123 number 45678 = "08106606".
    /// </summary>
    public string Uid => ((Facility << 16) | Number).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The result of decoding 26 bits: a frame, or the reason it was rejected.</summary>
public sealed record Wiegand26Result(Wiegand26Frame? Frame, string? RejectionReason)
{
    public bool IsValid => Frame is not null;
}

/// <summary>
/// Wiegand-26 (H10301): bit 1 is even parity over bits 1–13, bits 2–9 the facility code, bits 10–25
/// the card number, bit 26 odd parity over bits 14–26 (bits numbered 1–26 in the order sent).
/// Pure functions on a 26-bit value whose bit 25 is the first bit sent.
/// </summary>
public static class Wiegand26
{
    public const int BitCount = 26;

    /// <summary>Largest 26-bit value.</summary>
    public const uint Mask = (1u << BitCount) - 1;

    /// <summary>Decodes 26 bits; bad parity or a value over 26 bits gives a rejection with the reason.</summary>
    public static Wiegand26Result Decode(uint bits)
    {
        if (bits > Mask)
        {
            return new Wiegand26Result(null, $"0x{bits:X} has more than 26 bits");
        }
        var evenHalf = bits >> 13;           // first parity bit + 12 data bits
        var oddHalf = bits & 0x1FFF;         // 12 data bits + last parity bit
        if (System.Numerics.BitOperations.PopCount(evenHalf) % 2 != 0)
        {
            return new Wiegand26Result(null, "even parity (first 13 bits) is wrong");
        }
        if (System.Numerics.BitOperations.PopCount(oddHalf) % 2 != 1)
        {
            return new Wiegand26Result(null, "odd parity (last 13 bits) is wrong");
        }
        var data = (bits >> 1) & 0xFFFFFF;
        return new Wiegand26Result(new Wiegand26Frame((byte)(data >> 16), (ushort)(data & 0xFFFF), bits), null);
    }

    /// <summary>Decodes 26 bits given in the order sent (true = 1).</summary>
    public static Wiegand26Result Decode(ReadOnlySpan<bool> bitsInOrder)
    {
        if (bitsInOrder.Length != BitCount)
        {
            return new Wiegand26Result(null, $"{bitsInOrder.Length} bits, not 26");
        }
        uint value = 0;
        foreach (var bit in bitsInOrder)
        {
            value = (value << 1) | (bit ? 1u : 0u);
        }
        return Decode(value);
    }

    /// <summary>Builds the 26 bits for a facility and number, with both parity bits (for simulators and converters).</summary>
    public static uint Encode(byte facility, ushort number)
    {
        var data = ((uint)facility << 16) | number;
        var high = data >> 12;
        var low = data & 0xFFF;
        var evenParity = (uint)(System.Numerics.BitOperations.PopCount(high) % 2);
        var oddParity = (uint)(1 - (System.Numerics.BitOperations.PopCount(low) % 2));
        return (evenParity << 25) | (data << 1) | oddParity;
    }
}
