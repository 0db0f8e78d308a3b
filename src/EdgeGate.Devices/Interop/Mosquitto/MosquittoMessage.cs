using System.Runtime.InteropServices;

namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary><c>struct mosquitto_message</c>: valid only during the message callback.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MosquittoMessage
{
    public int MessageId;
    public byte* Topic;
    public byte* Payload;
    public int PayloadLength;
    public int QualityOfService;
    public byte Retain;
}
