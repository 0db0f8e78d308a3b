namespace EdgeGate.Devices.Relays;

/// <summary>
/// Commands of LCUS-style USB relay modules (CH340 serial, 9600 8N1): <c>A0 &lt;channel&gt; &lt;00|01&gt; &lt;sum&gt;</c>,
/// sum = low byte of the first three. ON for channel 1 is <c>A0 01 01 A2</c>. The module never answers.
/// </summary>
public static class LcusRelayFraming
{
    public const byte StartByte = 0xA0;

    public const int BaudRate = 9600;

    public static byte[] BuildSwitch(byte channel, bool on)
    {
        ArgumentOutOfRangeException.ThrowIfZero(channel);
        var state = on ? (byte)0x01 : (byte)0x00;
        return [StartByte, channel, state, (byte)(StartByte + channel + state)];
    }
}
