namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary>MQTT protocol levels for <see cref="MosquittoOption.ProtocolVersion"/>.</summary>
internal static class MqttProtocolLevel
{
    public const int Version311 = 4;
    public const int Version5 = 5;
}
