namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary>Log levels (<c>MOSQ_LOG_*</c>).</summary>
internal static class MosquittoLogLevel
{
    public const int Information = 1 << 0;
    public const int Notice = 1 << 1;
    public const int Warning = 1 << 2;
    public const int Error = 1 << 3;
    public const int Debug = 1 << 4;
}
