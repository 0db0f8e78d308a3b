namespace EdgeGate.Devices.Serial;

public enum SerialParity
{
    None,
    Even,
    Odd,
}

public enum SerialStopBits
{
    One,
    Two,
}

/// <summary>How a serial line is set up: always 8 data bits, raw (no echo, no line editing, no flow control).</summary>
/// <param name="BaudRate">One of the standard rates 1200 … 4000000.</param>
public sealed record SerialLineSettings(int BaudRate, SerialParity Parity = SerialParity.None, SerialStopBits StopBits = SerialStopBits.One)
{
    /// <summary>Bits on the wire per byte: start + 8 data + parity + stop.</summary>
    public int BitsPerCharacter => 1 + 8 + (Parity == SerialParity.None ? 0 : 1) + (StopBits == SerialStopBits.Two ? 2 : 1);

    /// <summary>How long one byte takes on the wire.</summary>
    public TimeSpan CharacterTime => TimeSpan.FromTicks(TimeSpan.TicksPerSecond * BitsPerCharacter / BaudRate);
}
