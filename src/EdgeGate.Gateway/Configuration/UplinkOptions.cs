using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Gateway.Configuration;

/// <summary>Section <c>Uplink</c>: the MQTT connection to the property-management platform.</summary>
public sealed class UplinkOptions
{
    public const string SectionName = "Uplink";

    public bool Enabled { get; set; }

    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 8883;

    /// <summary>CA bundle that signed the broker's certificate; empty = plain TCP (tests and demo only).</summary>
    public string CaFile { get; set; } = "";

    /// <summary>Per-device client certificate and key (PEM), when the broker authenticates by certificate.</summary>
    public string ClientCertificateFile { get; set; } = "";

    public string ClientKeyFile { get; set; } = "";

    /// <summary>Username; the password is read from the credentials directory (file <c>uplink-password</c>).</summary>
    public string Username { get; set; } = "";

    /// <summary>Events in flight beyond the last end-to-end acknowledgement.</summary>
    [Range(1, 10000)]
    public int Window { get; set; } = 500;

    /// <summary>Without ack progress for this long, rewind to ack+1 and send again.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Journal rows kept at most; routine events age out first, alerts never.</summary>
    [Range(1000, 100_000_000)]
    public int JournalCapacity { get; set; } = 1_000_000;
}
