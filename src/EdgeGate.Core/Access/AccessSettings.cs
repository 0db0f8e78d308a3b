namespace EdgeGate.Core.Access;

/// <summary>What a watch-listed person meets at the door.</summary>
public enum WatchListAction
{
    /// <summary>Deny and alert (the default).</summary>
    DenyAndAlert,
    /// <summary>Let in when otherwise allowed, and alert.</summary>
    AllowAndAlert,
}

public enum PassbackMode
{
    /// <summary>Anti-passback groups are ignored.</summary>
    Off,
    /// <summary>A second entry without an exit (or the reverse) is granted but flagged.</summary>
    Soft,
    /// <summary>A second entry without an exit (or the reverse) is denied.</summary>
    Hard,
}

/// <summary>Per-site settings of the access policy.</summary>
public sealed record AccessSettings
{
    /// <summary>The site's time zone: schedules and holidays are in its local time.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    public WatchListAction WatchList { get; init; } = WatchListAction.DenyAndAlert;

    /// <summary>
    /// A decision for a person at a door repeated within this window is suppressed: a grant is not
    /// repeated (one person standing in view unlocks once) and a same denial is not journaled again.
    /// </summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(10);

    public PassbackMode Passback { get; init; } = PassbackMode.Hard;

    /// <summary>
    /// Timed anti-passback: a passage older than this no longer counts (null: it counts until the
    /// opposite passage). Useful where an exit reader is missing or people leave by a side door.
    /// </summary>
    public TimeSpan? PassbackExpiresAfter { get; init; }

    /// <summary>Throws when a value cannot work; called by the policy on every decision (it is cheap).</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeZone);
        if (Cooldown < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Cooldown), Cooldown, "Cooldown cannot be negative.");
        }

        if (PassbackExpiresAfter is { } expiry && expiry <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(PassbackExpiresAfter), expiry, "Passback expiry must be positive (or null for none).");
        }
    }
}
