using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Configuration;

/// <summary>
/// Section <c>Uplink</c>: the MQTT connection to the property-management platform (TLS on 8883 by
/// default; plain TCP without <c>CaFile</c> is for tests and the demo only). The password is the
/// credentials file <c>uplink-password</c>; the client id defaults to <c>edgegate-&lt;GatewayId&gt;</c>.
/// </summary>
public sealed class UplinkOptions() : BrokerConnectionOptions(defaultPort: 8883)
{
    public const string SectionName = "Uplink";

    /// <summary>False keeps events and history on the box only (a standalone gateway).</summary>
    public bool Enabled { get; set; }

    /// <summary>Events in flight beyond the last end-to-end acknowledgement.</summary>
    [Range(1, 10000)]
    public int Window { get; set; } = 500;

    /// <summary>Without ack progress for this long, rewind to ack+1 and send again.</summary>
    /// <value>more than 0</value>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Journal rows kept at most; routine events age out first, alerts never.</summary>
    [Range(1000, 100_000_000)]
    public int JournalCapacity { get; set; } = 1_000_000;

    /// <summary>Journal rows read and published per batch.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 250;

    /// <summary>How often the journal is checked for new events when nothing else wakes the uplink.</summary>
    /// <value>more than 0, at most 10 s</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the retained state message is refreshed while connected.</summary>
    /// <value>at least 1 s</value>
    public TimeSpan StateInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Commands larger than this are refused unread (photo enrolment needs room for a few JPEGs).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int CommandMaximumBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// A platform <c>unlock</c> must carry an <c>expiresAt</c> at most this long after the gateway receives
    /// it; a later one is refused with <c>expires_too_far</c>.
    /// </summary>
    /// <value>1 s to 10 minutes</value>
    public TimeSpan UnlockMaximumLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest <see cref="UnlockMaximumLifetime"/> accepted: a remote unlock is for someone at the door now.</summary>
    public static readonly TimeSpan UnlockMaximumLifetimeLimit = TimeSpan.FromMinutes(10);

    /// <summary>Commands waiting to be applied; beyond it a command is answered "busy" at once.</summary>
    [Range(1, 10000)]
    public int CommandQueueCapacity { get; set; } = 64;

    /// <summary>
    /// Model id of the face templates this gateway matches with; enrolment with ready templates must
    /// carry the same id. Empty = the gallery's model (the embedding model in models/manifest.json).
    /// </summary>
    public string TemplateModelId { get; set; } = "";

    /// <summary>Length of one face embedding of <see cref="TemplateModelId"/>.</summary>
    [Range(16, 4096)]
    public int TemplateLength { get; set; } = 512;
}
