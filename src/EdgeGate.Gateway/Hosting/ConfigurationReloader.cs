using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGate.Configuration;
using EdgeGate.Access;
using EdgeGate.Uplink.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// Reloads the gateway's configuration file (the platform's <c>config_reload</c>). The file is loaded
/// and validated again; with problems nothing changes. Otherwise what the decision stage reads on
/// every decision takes the new values at once: the access policy (<c>Policy</c>,
/// <c>Gateway:TimeZone</c>) and the doors' rules (schedule, direction, passback group, pulse length)
/// as long as the doors themselves and their devices are unchanged. Any other changed section is
/// reported as needing a restart: cameras, door drivers, readers, the uplink and the API are built
/// once at start. Sections are compared with the configuration the gateway started with.
/// </summary>
public sealed partial class ConfigurationReloader(
    string path,
    EdgeGateSettings started,
    AccessSettingsSource policy,
    AccessDoors doors,
    ILogger<ConfigurationReloader> logger) : IConfigurationReloader
{
    private static readonly string[] DoorRules =
        [nameof(DoorOptions.Enabled), nameof(DoorOptions.Direction), nameof(DoorOptions.PulseLength), nameof(DoorOptions.PassbackGroup), nameof(DoorOptions.Schedule)];

    public Task<ConfigurationReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        EdgeGateSettings loaded;
        try
        {
            loaded = EdgeGateSettings.Load(path);
        }
        catch (ConfigurationException exception)
        {
            LogRefused(logger, path, exception.Errors.Count);
            return Task.FromResult(new ConfigurationReloadResult(exception.Errors, [], []));
        }

        var applied = new List<string>();
        var restartRequired = new List<string>();

        policy.Replace(AccessConfiguration.ToAccessSettings(loaded));
        if (!Same(started.Policy, loaded.Policy))
        {
            applied.Add("Policy");
        }
        if (started.Gateway.TimeZone != loaded.Gateway.TimeZone)
        {
            applied.Add("Gateway:TimeZone");
        }
        if (!Same(Without(started.Gateway, nameof(GatewayOptions.TimeZone)), Without(loaded.Gateway, nameof(GatewayOptions.TimeZone))))
        {
            restartRequired.Add("Gateway");
        }

        if (Same(DoorDevices(started.Doors), DoorDevices(loaded.Doors)))
        {
            // Replaced even when equal to the start: an earlier reload may have changed them.
            doors.Replace(loaded.Doors);
            if (!Same(started.Doors, loaded.Doors))
            {
                applied.Add("Doors");
            }
        }
        else
        {
            restartRequired.Add("Doors");
        }

        foreach (var (name, before, after) in new (string, object?, object?)[]
        {
            ("Models", started.Models, loaded.Models),
            ("Recognition", started.Recognition, loaded.Recognition),
            ("Uplink", started.Uplink, loaded.Uplink),
            ("LockBroker", started.LockBroker, loaded.LockBroker),
            ("Api", started.Api, loaded.Api),
            ("Cameras", started.Cameras, loaded.Cameras),
            ("Readers", started.Readers, loaded.Readers),
        })
        {
            if (!Same(before, after))
            {
                restartRequired.Add(name);
            }
        }

        LogReloaded(logger, path, applied.Count == 0 ? "nothing" : string.Join(", ", applied), restartRequired.Count == 0 ? "nothing" : string.Join(", ", restartRequired));
        return Task.FromResult(new ConfigurationReloadResult([], applied, restartRequired));
    }

    private static bool Same(object? before, object? after) =>
        JsonNode.DeepEquals(before as JsonNode ?? JsonSerializer.SerializeToNode(before), after as JsonNode ?? JsonSerializer.SerializeToNode(after));

    private static JsonNode Without(object value, params string[] properties)
    {
        var node = JsonSerializer.SerializeToNode(value)!.AsObject();
        foreach (var property in properties)
        {
            node.Remove(property);
        }
        return node;
    }

    /// <summary>The doors without the rules a reload may change: names, kinds and device settings.</summary>
    private static JsonArray DoorDevices(IReadOnlyList<DoorOptions> doorOptions) =>
        new([.. doorOptions.Select(door => Without(door, DoorRules))]);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Information, Message = "Configuration {Path} reloaded: applied {Applied}; needs a restart: {RestartRequired}")]
    private static partial void LogReloaded(ILogger logger, string path, string applied, string restartRequired);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Warning, Message = "Configuration {Path} not reloaded: {Problems} problem(s); the running configuration is kept")]
    private static partial void LogRefused(ILogger logger, string path, int problems);
}

public static class ConfigurationReloadRegistration
{
    /// <summary>Registers the <see cref="IConfigurationReloader"/> over <paramref name="path"/> (the file <paramref name="started"/> was loaded from).</summary>
    public static IServiceCollection AddConfigurationReload(this IServiceCollection services, string path, EdgeGateSettings started)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(started);
        services.AddSingleton<IConfigurationReloader>(provider => new ConfigurationReloader(
            Path.GetFullPath(path), started,
            provider.GetRequiredService<AccessSettingsSource>(),
            provider.GetRequiredService<AccessDoors>(),
            provider.GetRequiredService<ILogger<ConfigurationReloader>>()));
        return services;
    }
}
