namespace EdgeGate.Devices.Mqtt;

/// <summary>Where an <see cref="IMqttClient"/> stands.</summary>
public enum MqttConnectionState
{
    /// <summary>Not started, or stopped by DisconnectAsync / DisposeAsync.</summary>
    Disconnected,

    /// <summary>Started, no connection accepted yet.</summary>
    Connecting,

    /// <summary>The broker accepted the connection.</summary>
    Connected,

    /// <summary>The connection was lost or could not be made; retrying with capped backoff.</summary>
    Reconnecting,

    /// <summary>The broker refused the client for good (credentials, authorisation, client id); not retrying.</summary>
    Faulted,
}
