using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Configuration;

/// <summary>Section <c>Gateway</c>: who this box is and where it keeps its files.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Site (compound) identifier, used in uplink topics.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "SiteId may hold letters, digits, '-' and '_' (1-64)")]
    public string SiteId { get; set; } = "";

    /// <summary>This gateway's identifier within the site, used in uplink topics.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "GatewayId may hold letters, digits, '-' and '_' (1-64)")]
    public string GatewayId { get; set; } = "";

    /// <summary>SQLite database and snapshots live here.</summary>
    [Required]
    public string DataDirectory { get; set; } = "/var/lib/edgegate";

    /// <summary>Keys and secrets (0700). systemd's $CREDENTIALS_DIRECTORY wins when set.</summary>
    [Required]
    public string CredentialsDirectory { get; set; } = "/etc/edgegate/credentials";

    /// <summary>Rolling JSON log files; empty for console only.</summary>
    public string LogDirectory { get; set; } = "/var/log/edgegate";

    /// <summary>IANA time zone of the site, for door schedules (e.g. "Asia/Shanghai").</summary>
    /// <value>a time zone known to the box (/usr/share/zoneinfo)</value>
    [Required]
    public string TimeZone { get; set; } = "UTC";
}
