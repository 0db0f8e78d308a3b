namespace EdgeGate.Devices.Mqtt;

/// <summary>MQTT delivery guarantee. QoS 2 is not offered: the uplink dedupes by sequence number.</summary>
public enum MqttQualityOfService
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
}
