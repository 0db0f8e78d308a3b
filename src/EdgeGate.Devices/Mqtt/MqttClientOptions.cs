using EdgeGate.Core.Messaging;

namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// One broker connection for <see cref="MosquittoClient"/> (MQTT 3.1.1). Durations are
/// <see cref="TimeSpan"/>; <see cref="Validate"/> runs when the client is created.
/// </summary>
public sealed class MqttClientOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1883;

    /// <summary>Client id (at most 23 bytes is the safe MQTT 3.1.1 length); null lets the library pick one (requires <see cref="CleanSession"/>).</summary>
    public string? ClientId { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>PEM file of the CA that signed the broker's certificate; set to use TLS (host name is verified).</summary>
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

    /// <summary>How long <see cref="MosquittoClient.ConnectAsync"/> waits for the first connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a publish waits for its acknowledgement and a subscribe for its SUBACK.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay before reconnecting after a lost or failed connection (whole seconds, at least 1).</summary>
    public TimeSpan ReconnectDelayInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the growing reconnect delay.</summary>
    public TimeSpan ReconnectDelayMaximum { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the supervisor checks the connection.</summary>
    public TimeSpan WatchdogInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Not connected for this long without any sign from the library: the network thread is taken
    /// for dead and the native client is recreated. At least twice <see cref="ReconnectDelayMaximum"/>.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long stopping the network thread may take before the native client is abandoned.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Host), nameof(Host), "is required");
        Require(Port is > 0 and < 65536, nameof(Port), $"must be 1–65535, not {Port}");
        Require(ClientId is not null || CleanSession, nameof(ClientId), "is required when CleanSession is false");
        Require(ClientId is null || ClientId.Length > 0, nameof(ClientId), "must not be empty (null lets the library pick one)");
        Require(Password is null || Username is not null, nameof(Password), "needs a Username");
        Require(ClientCertificatePath is null == ClientKeyPath is null, nameof(ClientCertificatePath), "and ClientKeyPath go together");
        Require(ClientCertificatePath is null || CaCertificatePath is not null, nameof(ClientCertificatePath), "needs CaCertificatePath (TLS)");
        Require(WillTopic is null || WillTopic.Length > 0, nameof(WillTopic), "must not be empty");
        Require(KeepAlive >= TimeSpan.FromSeconds(5) && KeepAlive <= TimeSpan.FromSeconds(65535), nameof(KeepAlive), $"must be 5 s – 65535 s, not {KeepAlive}");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), "must be positive");
        Require(OperationTimeout > TimeSpan.Zero, nameof(OperationTimeout), "must be positive");
        Require(ReconnectDelayInitial >= TimeSpan.FromSeconds(1), nameof(ReconnectDelayInitial), "must be at least 1 s");
        Require(ReconnectDelayMaximum >= ReconnectDelayInitial, nameof(ReconnectDelayMaximum), "must be at least ReconnectDelayInitial");
        Require(WatchdogInterval > TimeSpan.Zero, nameof(WatchdogInterval), "must be positive");
        Require(StallTimeout >= 2 * ReconnectDelayMaximum, nameof(StallTimeout), "must be at least twice ReconnectDelayMaximum");
        Require(StopTimeout > TimeSpan.Zero, nameof(StopTimeout), "must be positive");
    }

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"MQTT option {name} {problem}", name);
        }
    }
}
