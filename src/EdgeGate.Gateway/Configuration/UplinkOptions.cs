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

    /// <summary>MQTT client id; empty = <c>edgegate-&lt;GatewayId&gt;</c>. Must be unique per broker.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{0,64}$", ErrorMessage = "ClientId may hold letters, digits, '.', '-' and '_' (0-64)")]
    public string ClientId { get; set; } = "";

    /// <summary>Journal rows read and published per batch.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 250;

    /// <summary>How often the journal is checked for new events when nothing else wakes the uplink.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the retained state message is refreshed while connected.</summary>
    public TimeSpan StateInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Cap of the growing reconnect delay (the broker is never hammered).</summary>
    public TimeSpan ReconnectDelayMaximum { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Commands larger than this are refused unread (photo enrolment needs room for a few JPEGs).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int CommandMaximumBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Commands waiting to be applied; beyond it a command is answered "busy" at once.</summary>
    [Range(1, 10000)]
    public int CommandQueueCapacity { get; set; } = 64;

    /// <summary>
    /// Model id of the face templates this gateway matches with; enrolment with ready templates must
    /// carry the same id. Empty = templates are refused (photo enrolment only).
    /// </summary>
    public string TemplateModelId { get; set; } = "";

    /// <summary>Length of one face embedding of <see cref="TemplateModelId"/>.</summary>
    [Range(16, 4096)]
    public int TemplateLength { get; set; } = 512;
}
