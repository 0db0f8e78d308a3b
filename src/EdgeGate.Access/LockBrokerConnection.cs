using EdgeGate.Devices.Mqtt;
using EdgeGate.Configuration;

namespace EdgeGate.Access;

/// <summary>
/// The one MQTT client on the lock broker (section <c>LockBroker</c>), shared by every door of Kind
/// Mqtt: <see cref="DoorDrivers"/> builds the locks on <see cref="Client"/>, <see cref="LockBrokerService"/>
/// connects it, keeps it connected and feeds the locks their state messages. Creating it starts nothing;
/// whoever creates it disposes it (the container, or <c>edgegate door test</c>).
/// </summary>
public sealed class LockBrokerConnection : IAsyncDisposable
{
    public LockBrokerConnection(IMqttClient client, string address)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        Client = client;
        Address = address;
    }

    public IMqttClient Client { get; }

    /// <summary>host:port of the broker, for logs and door outcomes.</summary>
    public string Address { get; }

    /// <summary>Why a lock command cannot go out right now, naming the broker; null while connected.</summary>
    public string? Unreachable => Client.IsConnected
        ? null
        : $"lock broker {Address} not reachable: {Client.LastError ?? StateText(Client.State)}";

    /// <summary>The connection of <see cref="EdgeGateSettings.LockBroker"/>, or null when no door has Kind Mqtt.</summary>
    /// <param name="credentialsDirectory">Where <see cref="LockBrokerOptions.PasswordFileName"/> is read from.</param>
    /// <param name="clientIdSuffix">Appended to the client id, for a second connection next to the running gateway's.</param>
    public static LockBrokerConnection? Create(EdgeGateSettings settings, string? credentialsDirectory, TimeProvider timeProvider, string clientIdSuffix = "")
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Doors.Any(door => door.Kind == DoorKind.Mqtt))
        {
            return null;
        }
        var options = CreateOptions(settings, credentialsDirectory, clientIdSuffix);
        return new LockBrokerConnection(new SupervisedMqttClient(options, timeProvider), $"{options.Host}:{options.Port}");
    }

    /// <summary>The client options of <see cref="EdgeGateSettings.LockBroker"/>: client id, password from the credentials directory, TLS.</summary>
    /// <exception cref="ConfigurationException">The section is missing.</exception>
    public static MqttClientOptions CreateOptions(EdgeGateSettings settings, string? credentialsDirectory, string clientIdSuffix = "")
    {
        ArgumentNullException.ThrowIfNull(settings);
        var lockBroker = settings.LockBroker
            ?? throw new ConfigurationException([$"{LockBrokerOptions.SectionName}: required when a door has Kind Mqtt"]);
        return lockBroker.ToClientOptions(
            lockBroker.ClientIdOr(LockBrokerOptions.DefaultClientId(settings.Gateway.GatewayId)) + clientIdSuffix,
            credentialsDirectory,
            LockBrokerOptions.PasswordFileName);
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();

    private static string StateText(MqttConnectionState state) => state switch
    {
        MqttConnectionState.Disconnected => "not connected",
        MqttConnectionState.Faulted => "refused by the broker",
        _ => "connecting",
    };
}
