namespace EdgeGate.Configuration;

/// <summary>Section <c>Policy</c>: site-wide access rules.</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>Whether a watch-listed person is also let in (the alert is raised either way).</summary>
    public bool AdmitWatchListed { get; set; }

    /// <summary>One person standing in view unlocks once per this window.</summary>
    /// <value>0 or more</value>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hard denies a second entry without an exit; Soft admits and flags; Off ignores.</summary>
    /// <value>Off, Soft, Hard</value>
    public string Passback { get; set; } = "Off";
}
