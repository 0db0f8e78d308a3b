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

/// <summary><c>enum mosq_opt_t</c> (the values used here).</summary>
internal enum MosquittoOption
{
    ProtocolVersion = 1,
    ReceiveMaximum = 4,
    SendMaximum = 5,
    TcpNoDelay = 11,
}

/// <summary><c>enum mosq_err_t</c> (the values the client acts on).</summary>
internal enum MosquittoError
{
    Success = 0,
    NoMemory = 1,
    Protocol = 2,
    Invalid = 3,
    NoConnection = 4,
    ConnectionRefused = 5,
    NotFound = 6,
    ConnectionLost = 7,
    Tls = 8,
    PayloadSize = 9,
    NotSupported = 10,
    Authentication = 11,
    AclDenied = 12,
    Unknown = 13,
    Errno = 14,
    AddressLookup = 15,
    Proxy = 16,
    MalformedUtf8 = 18,
    KeepAlive = 19,
    Lookup = 20,
    TlsHandshake = 23,
}

/// <summary>MQTT protocol levels for <see cref="MosquittoOption.ProtocolVersion"/>.</summary>
internal static class MqttProtocolLevel
{
    public const int Version311 = 4;
    public const int Version5 = 5;
}

/// <summary>Log levels (<c>MOSQ_LOG_*</c>).</summary>
internal static class MosquittoLogLevel
{
    public const int Information = 1 << 0;
    public const int Notice = 1 << 1;
    public const int Warning = 1 << 2;
    public const int Error = 1 << 3;
    public const int Debug = 1 << 4;
}
