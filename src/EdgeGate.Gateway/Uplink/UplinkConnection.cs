using EdgeGate.Devices.Mqtt;
using EdgeGate.Gateway.Configuration;
using EdgeGate.Storage.Privacy;

namespace EdgeGate.Gateway.Uplink;

/// <summary>Builds the MQTT client options of the uplink from the configuration: TLS, per-device credentials, the offline will.</summary>
public static class UplinkConnection
{
    /// <summary>File in the credentials directory holding the broker password (per device).</summary>
    public const string PasswordFileName = "uplink-password";

    public static MqttClientOptions CreateOptions(UplinkOptions uplink, GatewayOptions gateway, string? credentialsDirectory)
    {
        var topics = new UplinkTopics(gateway.SiteId, gateway.GatewayId);
        // A password readable by others is refused (CredentialFileException), like every credential.
        var password = uplink.Username.Length > 0 && credentialsDirectory is not null
            ? CredentialFile.ReadTextOrNull(credentialsDirectory, PasswordFileName)
            : null;
        return new MqttClientOptions
        {
            Host = uplink.Host,
            Port = uplink.Port,
            ClientId = uplink.ClientId.Length > 0 ? uplink.ClientId : $"edgegate-{gateway.GatewayId}",
            Username = uplink.Username.Length > 0 ? uplink.Username : null,
            Password = password,
            CaCertificatePath = uplink.CaFile.Length > 0 ? uplink.CaFile : null,
            ClientCertificatePath = uplink.ClientCertificateFile.Length > 0 ? uplink.ClientCertificateFile : null,
            ClientKeyPath = uplink.ClientKeyFile.Length > 0 ? uplink.ClientKeyFile : null,
            KeepAlive = uplink.KeepAlive,
            CleanSession = true,
            WillTopic = topics.State,
            WillPayload = UplinkMessages.OfflineState(topics),
            WillRetain = true,
            ReconnectDelayMaximum = uplink.ReconnectDelayMaximum,
            StallTimeout = 2 * uplink.ReconnectDelayMaximum + TimeSpan.FromSeconds(30),
        };
    }
}
