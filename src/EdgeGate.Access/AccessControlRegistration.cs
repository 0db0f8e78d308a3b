using EdgeGate.Core.Access;
using EdgeGate.Configuration;
using EdgeGate.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

public static class AccessControlRegistration
{
    /// <summary>
    /// Registers the decision stage: <see cref="AccessAttemptQueue"/> (where face candidates, card
    /// reads and remote unlocks go in), <see cref="DecisionFeed"/>, <see cref="AccessHistory"/>, the
    /// policy settings and doors from configuration, <see cref="DoorDrivers"/>, <see cref="DoorServices"/>,
    /// and the hosted services: <see cref="DecisionService"/>, <see cref="LockBrokerService"/> with its
    /// <see cref="LockBrokerConnection"/> when a door has Kind Mqtt, one <see cref="DoorService"/> per door,
    /// one <see cref="DoorInputService"/> per door with a door contact or exit button input, one
    /// <see cref="CardReaderService"/> per reader and <see cref="DeviceAlertService"/> (jammed locks).
    /// Needs an <see cref="EdgeGateDatabase"/> and a <see cref="TimeProvider"/> registered
    /// (TimeProvider.System is added when none is).
    /// </summary>
    public static IServiceCollection AddAccessControl(this IServiceCollection services, EdgeGateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new AccessSettingsSource(AccessConfiguration.ToAccessSettings(settings)));
        services.AddSingleton(new AccessDoors(settings.Doors));
        services.AddSingleton<AccessHistory>();
        services.AddSingleton<AccessAttemptQueue>();
        services.AddSingleton<DecisionFeed>();
        services.AddDeviceAlerts();
        services.AddSingleton<DoorReleases>();
        if (settings.Doors.Any(door => door.Kind == DoorKind.Mqtt))
        {
            // One client for every MQTT lock; its service is registered before the doors so it stops after them.
            services.AddSingleton(provider => LockBrokerConnection.Create(
                settings, GatewayDatabase.CredentialsDirectory(settings), provider.GetRequiredService<TimeProvider>())!);
            services.AddSingleton<LockBrokerService>();
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<LockBrokerService>());
        }
        services.AddSingleton(provider => new DoorDrivers(
            settings.Doors,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<DoorDrivers>>(),
            provider.GetService<LockBrokerConnection>()));
        services.AddSingleton<DecisionService>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<DecisionService>());
        services.AddSingleton(provider => new DoorServices(settings.Doors.Select(door => new DoorService(
            door.Name,
            provider.GetRequiredService<DoorDrivers>(),
            provider.GetRequiredService<DoorReleases>(),
            provider.GetRequiredService<EdgeGateDatabase>(),
            provider.GetRequiredService<DecisionFeed>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<DoorService>>(),
            provider.GetService<StartupWarmUp>()))));
        foreach (var door in settings.Doors)
        {
            var name = door.Name;
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<DoorServices>().For(name));
            if (DoorInputService.Watches(door))
            {
                services.AddSingleton<IHostedService>(provider => new DoorInputService(
                    door,
                    provider.GetRequiredService<DoorDrivers>(),
                    provider.GetRequiredService<DoorReleases>(),
                    provider.GetRequiredService<AccessAttemptQueue>(),
                    provider.GetRequiredService<EdgeGateDatabase>(),
                    provider.GetRequiredService<DecisionFeed>(),
                    provider.GetRequiredService<TimeProvider>(),
                    provider.GetRequiredService<ILogger<DoorInputService>>()));
            }
        }
        foreach (var reader in settings.Readers)
        {
            services.AddSingleton<IHostedService>(provider => new CardReaderService(
                reader,
                provider.GetRequiredService<AccessAttemptQueue>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<CardReaderService>>()));
        }
        return services;
    }
}
