using System.Threading.Channels;

namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// The MQTT port the gateway needs: one connection to one broker that keeps itself connected
/// (reconnecting with <see cref="EdgeGate.Core.RetryPacing"/>) until it is disconnected or disposed,
/// publishes with a broker acknowledgement for QoS 1, subscribes (and resubscribes after every
/// reconnect the broker kept no session for), and hands received messages to one reader. Shaped like
/// MQTTnet's <c>IMqttClient</c>, smaller; <see cref="SupervisedMqttClient"/> implements it on MQTTnet.
/// </summary>
public interface IMqttClient : IAsyncDisposable
{
    /// <summary>The connection state right now.</summary>
    MqttConnectionState State { get; }

    /// <summary>True while the broker has accepted the connection (CONNACK success).</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Why the client is not connected, in plain words ("connection refused by 127.0.0.1:8883", "TLS
    /// handshake failed: …", the broker's refusal), or null while connected or before the first attempt.
    /// </summary>
    string? LastError { get; }

    /// <summary>Raised on a thread-pool thread, in order, for every state change.</summary>
    event EventHandler<MqttConnectionStateChangedEventArgs>? ConnectionStateChanged;

    /// <summary>Messages received on the subscriptions, in arrival order, as owned copies.</summary>
    ChannelReader<MqttApplicationMessage> Messages { get; }

    /// <summary>
    /// Starts the client and waits for the first successful connection. Throws
    /// <see cref="MqttException"/> when the broker refuses the client for good (bad credentials,
    /// not authorised, client id rejected: the state becomes <see cref="MqttConnectionState.Faulted"/>
    /// and the client stops retrying), or when the connect timeout passes (the message carries the
    /// last error; the client keeps retrying in the background). Cancelling only stops the wait.
    /// </summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Disconnects cleanly (no will message), stops retrying; pending publishes fail.</summary>
    Task DisconnectAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Publishes one message. Completes when the broker acknowledged it (QoS 1: PUBACK) or when it was
    /// written to the socket (QoS 0). Throws <see cref="MqttException"/> when not connected, when the
    /// connection is lost before the acknowledgement (the message may still arrive: at least once),
    /// or when no acknowledgement came within the operation timeout.
    /// </summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qualityOfService, bool retain, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a subscription that is kept for the client's life and renewed on every reconnect. While
    /// connected, completes when the broker granted it (SUBACK) and throws <see cref="MqttException"/>
    /// when refused; while not connected it is sent on the next connection.
    /// </summary>
    Task SubscribeAsync(string topicFilter, MqttQualityOfService qualityOfService, CancellationToken cancellationToken);
}
