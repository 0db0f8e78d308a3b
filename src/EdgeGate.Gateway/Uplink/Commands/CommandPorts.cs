namespace EdgeGate.Gateway.Uplink.Commands;

/// <summary>Reloads the configuration file; returns the problems found (none = applied).</summary>
public interface IConfigurationReloader
{
    Task<IReadOnlyList<string>> ReloadAsync(CancellationToken cancellationToken);
}
