using EdgeGate.Devices.Mqtt;
using EdgeGate.Configuration;

namespace EdgeGate.Uplink;

/// <summary>Builds the MQTT client options of the uplink from the configuration: TLS, per-device credentials, the offline will.</summary>
public static class UplinkConnection
{
    /// <summary>File in the credentials directory holding the broker password (per device).</summary>
    public const string PasswordFileName = "uplink-password";

    public static MqttClientOptions CreateOptions(UplinkOptions uplink, GatewayOptions gateway, string? credentialsDirectory)
    {
        ArgumentNullException.ThrowIfNull(uplink);
        ArgumentNullException.ThrowIfNull(gateway);
        var topics = new UplinkTopics(gateway.SiteId, gateway.GatewayId);
        return uplink.ToClientOptions(
            uplink.ClientIdOr($"edgegate-{gateway.GatewayId}"),
            credentialsDirectory,
            PasswordFileName,
            willTopic: topics.State,
            willPayload: UplinkMessages.OfflineState(topics),
            willRetain: true);
    }
}
