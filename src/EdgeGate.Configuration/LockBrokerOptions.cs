namespace EdgeGate.Configuration;

/// <summary>
/// Section <c>LockBroker</c>: the MQTT broker the smart locks are on (<c>Doors:n:Kind</c> = <c>Mqtt</c>),
/// usually the site's local broker (Zigbee2MQTT's or Home Assistant's mosquitto), not the platform's.
/// Required when a door has Kind Mqtt. The password is the credentials file
/// <c>lock-broker-password</c>; the client id defaults to <c>edgegate-&lt;GatewayId&gt;-locks</c>, so
/// it differs from the uplink's when both use the same broker.
/// </summary>
public sealed class LockBrokerOptions() : BrokerConnectionOptions(defaultPort: 1883)
{
    public const string SectionName = "LockBroker";

    /// <summary>File in the credentials directory holding the lock broker's password.</summary>
    public const string PasswordFileName = "lock-broker-password";

    public static string DefaultClientId(string gatewayId) => $"edgegate-{gatewayId}-locks";
}
