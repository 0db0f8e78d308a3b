namespace EdgeGate.Devices.Mqtt.Locks;

/// <summary>The MQTT lock firmwares the gateway drives.</summary>
public enum MqttLockFlavour
{
    HomeAssistant,
    Zigbee2Mqtt,
    Tasmota,
}

/// <summary>Creates the MQTT lock driver of a flavour from configuration values.</summary>
public static class MqttLockDoors
{
    /// <param name="topic">Command topic (Home Assistant), device name (Zigbee2MQTT) or device topic (Tasmota).</param>
    public static MqttLockDoor Create(
        MqttLockFlavour flavour,
        IMqttClient client,
        string topic,
        string? stateTopic,
        MqttLockDriverOptions options,
        TimeProvider timeProvider,
        int relay = 1,
        bool pulseWithOpen = false,
        string zigbee2MqttBaseTopic = "zigbee2mqtt") => flavour switch
    {
        MqttLockFlavour.HomeAssistant => new HomeAssistantMqttLock(client, topic, stateTopic, pulseWithOpen, options, timeProvider),
        MqttLockFlavour.Zigbee2Mqtt => new Zigbee2MqttLock(client, topic, options, timeProvider, zigbee2MqttBaseTopic),
        MqttLockFlavour.Tasmota => new TasmotaRelayLock(client, topic, relay, options, timeProvider),
        _ => throw new ArgumentOutOfRangeException(nameof(flavour), flavour, "unknown MQTT lock flavour"),
    };
}
