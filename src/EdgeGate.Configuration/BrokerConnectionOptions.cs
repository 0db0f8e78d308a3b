using System.ComponentModel.DataAnnotations;
using EdgeGate.Core;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Storage.Privacy;

namespace EdgeGate.Configuration;

/// <summary>
/// How to reach one MQTT broker, shared by the sections that connect to one (<see cref="UplinkOptions"/>,
/// <see cref="LockBrokerOptions"/>). The password is never in the configuration: it is read from a
/// file in the credentials directory (systemd's <c>$CREDENTIALS_DIRECTORY</c> when set, else
/// <c>Gateway:CredentialsDirectory</c>), named by the section.
/// </summary>
public abstract class BrokerConnectionOptions
{
    protected BrokerConnectionOptions(int defaultPort)
    {
        Port = defaultPort;
    }

    /// <summary>The broker's host name or address.</summary>
    /// <value>not empty</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The broker's port (8883 is MQTT over TLS, 1883 plain MQTT).</summary>
    [Range(1, 65535)]
    public int Port { get; set; }

    /// <summary>CA bundle that signed the broker's certificate; empty = plain TCP.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>Per-device client certificate and key (PEM), when the broker authenticates by certificate.</summary>
    public string ClientCertificateFile { get; set; } = "";

    /// <summary>The private key of <see cref="ClientCertificateFile"/> (PEM); the two go together and need <see cref="CaFile"/>.</summary>
    public string ClientKeyFile { get; set; } = "";

    /// <summary>Username; the password is read from the section's file in the credentials directory.</summary>
    public string Username { get; set; } = "";

    /// <summary>MQTT keep-alive: a connection silent for longer is considered lost.</summary>
    /// <value>at least 5 s</value>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>MQTT client id; empty = derived from <c>Gateway:GatewayId</c>. Must be unique per broker.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{0,64}$", ErrorMessage = "ClientId may hold letters, digits, '.', '-' and '_' (0-64)")]
    public string ClientId { get; set; } = "";

    /// <summary>
    /// Cap of the reconnect delay, reached only in outages longer than a minute (the first minute is
    /// retried at most 1.5 s apart); the broker is never hammered.
    /// </summary>
    /// <value>at least 1 s</value>
    public TimeSpan ReconnectDelayMaximum { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Adds the connection problems the attributes cannot express, each under <paramref name="key"/>.</summary>
    public void ValidateConnection(string key, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add($"{key}:Host: is required");
        }
        if (ReconnectDelayMaximum < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{key}:ReconnectDelayMaximum: must be at least 1 s");
        }
        if (KeepAlive < TimeSpan.FromSeconds(5))
        {
            errors.Add($"{key}:KeepAlive: must be at least 5 s");
        }
        if (string.IsNullOrEmpty(ClientCertificateFile) != string.IsNullOrEmpty(ClientKeyFile))
        {
            errors.Add($"{key}:ClientCertificateFile: and {key}:ClientKeyFile go together");
        }
        if (!string.IsNullOrEmpty(ClientCertificateFile) && string.IsNullOrEmpty(CaFile))
        {
            errors.Add($"{key}:ClientCertificateFile: needs {key}:CaFile (TLS)");
        }
    }

    /// <summary>The configured <see cref="ClientId"/>, or <paramref name="derived"/> when none is.</summary>
    public string ClientIdOr(string derived) => ClientId.Length > 0 ? ClientId : derived;

    /// <summary>
    /// The client options for this broker: <paramref name="clientId"/>, the password from <paramref name="passwordFileName"/> in <paramref name="credentialsDirectory"/>
    /// (only with a <see cref="Username"/>; none when the file is missing), TLS files, keep-alive and
    /// reconnect pacing, and the will message when given.
    /// </summary>
    public MqttClientOptions ToClientOptions(
        string clientId,
        string? credentialsDirectory,
        string passwordFileName,
        string? willTopic = null,
        ReadOnlyMemory<byte> willPayload = default,
        bool willRetain = false)
    {
        // A password readable by others is refused (CredentialFileException), like every credential.
        var password = Username.Length > 0 && credentialsDirectory is not null
            ? CredentialFile.ReadTextOrNull(credentialsDirectory, passwordFileName)
            : null;
        return new MqttClientOptions
        {
            Host = Host,
            Port = Port,
            ClientId = clientId,
            Username = Username.Length > 0 ? Username : null,
            Password = password,
            CaCertificatePath = CaFile.Length > 0 ? CaFile : null,
            ClientCertificatePath = ClientCertificateFile.Length > 0 ? ClientCertificateFile : null,
            ClientKeyPath = ClientKeyFile.Length > 0 ? ClientKeyFile : null,
            KeepAlive = KeepAlive,
            CleanSession = true,
            WillTopic = willTopic,
            WillPayload = willPayload,
            WillRetain = willRetain,
            Reconnect = RetryPacing.Broker with { Maximum = ReconnectDelayMaximum },
        };
    }
}
