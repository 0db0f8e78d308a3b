namespace EdgeGate.Uplink;

/// <summary>
/// The topics of one gateway, all under <c>edgegate/v1/&lt;site&gt;/&lt;gateway&gt;/</c> (see docs/protocol.md).
/// Site and gateway ids are restricted to letters, digits, '-' and '_' so they never contain MQTT
/// wildcards or separators.
/// </summary>
public sealed class UplinkTopics
{
    public const string ProtocolPrefix = "edgegate/v1";

    public UplinkTopics(string siteId, string gatewayId)
    {
        Require(siteId, nameof(siteId));
        Require(gatewayId, nameof(gatewayId));
        SiteId = siteId;
        GatewayId = gatewayId;
        Root = $"{ProtocolPrefix}/{siteId}/{gatewayId}/";
    }

    public string SiteId { get; }

    public string GatewayId { get; }

    /// <summary>The common prefix, ending with '/'.</summary>
    public string Root { get; }

    /// <summary>Routine journal events (gateway → platform, QoS 1).</summary>
    public string Events => Root + "events";

    /// <summary>Alerts: watch list, door faults and jammed locks, camera down, lost events (gateway → platform, QoS 1, sent first).</summary>
    public string Alerts => Root + "alerts";

    /// <summary>Retained online/offline state with journal counters; the broker publishes "offline" as the last will.</summary>
    public string State => Root + "state";

    /// <summary>The platform's cumulative end-to-end ack (platform → gateway, retained, QoS 1).</summary>
    public string Ack => Root + "ack";

    /// <summary>Subscription filter for every command (platform → gateway).</summary>
    public string CommandFilter => Root + "cmd/+";

    /// <summary>Prefix of command topics; the command name follows.</summary>
    public string CommandPrefix => Root + "cmd/";

    /// <summary>Answers to commands (gateway → platform, QoS 1).</summary>
    public string CommandResult => Root + "cmd-result";

    /// <summary>The gateway asks for person-list changes since its version (gateway → platform, QoS 1).</summary>
    public string GalleryRequest => Root + "gallery/request";

    public string Command(string name) => CommandPrefix + name;

    /// <summary>The command name of a topic under <see cref="CommandPrefix"/>, or null for any other topic.</summary>
    public string? CommandNameOf(string topic) =>
        topic.StartsWith(CommandPrefix, StringComparison.Ordinal) && topic.Length > CommandPrefix.Length
            ? topic[CommandPrefix.Length..]
            : null;

    public static bool IsValidId(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static void Require(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (!IsValidId(value))
        {
            throw new ArgumentException($"'{value}' is not a valid id for a topic (letters, digits, '-', '_'; 1-64)", name);
        }
    }
}
