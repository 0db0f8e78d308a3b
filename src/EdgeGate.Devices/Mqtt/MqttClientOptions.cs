using EdgeGate.Core;

namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// One broker connection for <see cref="SupervisedMqttClient"/> (MQTT 3.1.1 over TCP with no-delay,
/// optionally TLS). Durations are <see cref="TimeSpan"/>; <see cref="Validate"/> runs when the client
/// is created.
/// </summary>
public sealed class MqttClientOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1883;

    /// <summary>Client id (at most 23 bytes is the safe MQTT 3.1.1 length); null lets the client pick one (requires <see cref="CleanSession"/>).</summary>
    public string? ClientId { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>
    /// PEM file of the CA (or CAs) that signed the broker's certificate; set to use TLS. Only these CAs
    /// are trusted, and the certificate must name <see cref="Host"/>. Read again on every connection attempt.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>PEM client certificate for brokers that require one (needs <see cref="ClientKeyPath"/>).</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/> (unencrypted).</summary>
    public string? ClientKeyPath { get; init; }

    /// <summary>Topic of the last-will message the broker publishes if the connection drops uncleanly; null for none.</summary>
    public string? WillTopic { get; init; }

    public ReadOnlyMemory<byte> WillPayload { get; init; }

    public bool WillRetain { get; init; }

    public MqttQualityOfService WillQualityOfService { get; init; } = MqttQualityOfService.AtLeastOnce;

    /// <summary>MQTT keep-alive (whole seconds, at least 5).</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    public bool CleanSession { get; init; } = true;

    /// <summary>How long <see cref="SupervisedMqttClient.ConnectAsync"/> waits for the first connection (the client keeps trying after).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one connection attempt (TCP, TLS, CONNACK), a publish's acknowledgement, a SUBACK and
    /// the answer to a keep-alive ping may take.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The waits between connection attempts (<see cref="RetryPacing.Broker"/> by default).</summary>
    public RetryPacing Reconnect { get; init; } = RetryPacing.Broker;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Host), nameof(Host), "is required");
        Require(Port is > 0 and < 65536, nameof(Port), $"must be 1–65535, not {Port}");
        Require(ClientId is not null || CleanSession, nameof(ClientId), "is required when CleanSession is false");
        Require(ClientId is null || ClientId.Length > 0, nameof(ClientId), "must not be empty (null lets the client pick one)");
        Require(Password is null || Username is not null, nameof(Password), "needs a Username");
        Require(ClientCertificatePath is null == ClientKeyPath is null, nameof(ClientCertificatePath), "and ClientKeyPath go together");
        Require(ClientCertificatePath is null || CaCertificatePath is not null, nameof(ClientCertificatePath), "needs CaCertificatePath (TLS)");
        Require(WillTopic is null || WillTopic.Length > 0, nameof(WillTopic), "must not be empty");
        Require(KeepAlive >= TimeSpan.FromSeconds(5) && KeepAlive <= TimeSpan.FromSeconds(65535), nameof(KeepAlive), $"must be 5 s – 65535 s, not {KeepAlive}");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), "must be positive");
        Require(OperationTimeout > TimeSpan.Zero, nameof(OperationTimeout), "must be positive");
        Require(Reconnect is not null, nameof(Reconnect), "is required");
        try
        {
            Reconnect!.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"MQTT option {nameof(Reconnect)}: {exception.Message}", nameof(Reconnect), exception);
        }
    }

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"MQTT option {name} {problem}", name);
        }
    }
}
