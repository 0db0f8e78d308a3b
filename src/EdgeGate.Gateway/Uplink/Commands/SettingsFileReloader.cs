using EdgeGate.Gateway.Configuration;

namespace EdgeGate.Gateway.Uplink.Commands;

/// <summary>
/// <see cref="IConfigurationReloader"/> over the gateway's JSON file: loads and validates it again; on
/// success <see cref="Current"/> changes and <see cref="Reloaded"/> is raised for the parts that can
/// change at run time, on failure the running settings stay and the problems are returned.
/// </summary>
public sealed class SettingsFileReloader(string path, EdgeGateSettings current) : IConfigurationReloader
{
    private EdgeGateSettings current = current;

    public EdgeGateSettings Current => Volatile.Read(ref current);

    public event EventHandler<EdgeGateSettings>? Reloaded;

    public Task<IReadOnlyList<string>> ReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var settings = EdgeGateSettings.Load(path);
            Volatile.Write(ref current, settings);
            Reloaded?.Invoke(this, settings);
            return Task.FromResult<IReadOnlyList<string>>([]);
        }
        catch (ConfigurationException exception)
        {
            return Task.FromResult(exception.Errors);
        }
    }
}
