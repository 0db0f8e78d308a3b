namespace EdgeGate.Devices.Mqtt;

/// <summary>A received MQTT message; topic and payload are owned copies (payload bytes as sent, may contain zeros).</summary>
public sealed record MqttApplicationMessage(
    string Topic,
    ReadOnlyMemory<byte> Payload,
    MqttQualityOfService QualityOfService,
    bool Retain);
