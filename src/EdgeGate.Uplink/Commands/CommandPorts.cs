namespace EdgeGate.Uplink.Commands;

/// <summary>
/// What a configuration reload did: the problems found (then nothing changed), else the sections now
/// running with the file's values and the changed sections that take effect only after a restart.
/// </summary>
public sealed record ConfigurationReloadResult(IReadOnlyList<string> Problems, IReadOnlyList<string> Applied, IReadOnlyList<string> RestartRequired);

/// <summary>Reads the configuration file again and applies what can change while running.</summary>
public interface IConfigurationReloader
{
    Task<ConfigurationReloadResult> ReloadAsync(CancellationToken cancellationToken);
}
