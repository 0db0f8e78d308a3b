using EdgeGate.Devices.Mqtt;
using EdgeGate.Configuration;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Access;
using EdgeGate.Uplink.Commands;
using EdgeGate.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Uplink;

public static class UplinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the uplink (when <c>Uplink:Enabled</c>): <see cref="UplinkService"/> as a hosted service,
    /// the command dispatcher and one handler per command. Needs <see cref="EdgeGateDatabase"/> and
    /// <see cref="TimeProvider"/> registered; <see cref="PhotoEnrolment"/> (photo enrolment, loaded on first use),
    /// <see cref="GallerySynchroniser"/> (whose model ready templates must be of when <c>Uplink:TemplateModelId</c>
    /// is empty), <see cref="IRemoteUnlock"/> and <see cref="IConfigurationReloader"/> are used when registered.
    /// </summary>
    public static IServiceCollection AddUplink(this IServiceCollection services, EdgeGateSettings settings, string? credentialsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Uplink.Enabled)
        {
            return services;
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new UplinkTopics(settings.Gateway.SiteId, settings.Gateway.GatewayId));
        services.AddSingleton(UplinkSessionOptions.From(settings.Uplink));
        // Ready templates must be of the model the gate matches with: the configured id, else the gallery's.
        services.AddSingleton(provider => new TemplateSettings(
            settings.Uplink.TemplateModelId.Length > 0 ? settings.Uplink.TemplateModelId : provider.GetService<GallerySynchroniser>()?.ModelId ?? "",
            settings.Uplink.TemplateLength));
        services.AddSingleton<IPlatformCommandHandler>(provider => new EnrolCommandHandler(
            provider.GetRequiredService<EdgeGateDatabase>(), provider.GetRequiredService<TemplateSettings>(),
            provider.GetRequiredService<TimeProvider>(), () => provider.GetService<PhotoEnrolment>()?.Service));
        services.AddSingleton<IPlatformCommandHandler>(provider => new UpdatePersonCommandHandler(provider.GetRequiredService<EdgeGateDatabase>()));
        services.AddSingleton<IPlatformCommandHandler>(provider => new DeregisterCommandHandler(provider.GetRequiredService<EdgeGateDatabase>()));
        services.AddSingleton<IPlatformCommandHandler>(provider => new CardIssueCommandHandler(provider.GetRequiredService<EdgeGateDatabase>()));
        services.AddSingleton<IPlatformCommandHandler>(provider => new CardRenewCommandHandler(provider.GetRequiredService<EdgeGateDatabase>()));
        services.AddSingleton<IPlatformCommandHandler>(provider => new CardRevokeCommandHandler(provider.GetRequiredService<EdgeGateDatabase>()));
        services.AddSingleton<IPlatformCommandHandler>(provider => new UnlockCommandHandler(provider.GetService<IRemoteUnlock>(), settings.Uplink.UnlockMaximumLifetime));
        services.AddSingleton<IPlatformCommandHandler>(provider => new ConfigReloadCommandHandler(provider.GetService<IConfigurationReloader>()));
        services.AddSingleton<IPlatformCommandHandler>(provider => new GallerySyncCommandHandler(
            provider.GetRequiredService<EdgeGateDatabase>(), provider.GetRequiredService<TemplateSettings>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new PlatformCommandDispatcher(
            provider.GetServices<IPlatformCommandHandler>(),
            provider.GetRequiredService<EdgeGateDatabase>(),
            settings.Uplink.CommandMaximumBytes,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PlatformCommandDispatcher>>()));
        var clientOptions = UplinkConnection.CreateOptions(settings.Uplink, settings.Gateway, credentialsDirectory ?? settings.Gateway.CredentialsDirectory);
        services.AddSingleton(provider => new UplinkService(
            () => new SupervisedMqttClient(clientOptions, provider.GetRequiredService<TimeProvider>()),
            provider.GetRequiredService<EdgeGateDatabase>(),
            provider.GetRequiredService<UplinkTopics>(),
            provider.GetRequiredService<UplinkSessionOptions>(),
            provider.GetRequiredService<PlatformCommandDispatcher>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<UplinkService>());
        return services;
    }

    /// <summary>The standard handlers over a database, for callers without a container (chaos runner, benchmark, tests).</summary>
    public static IReadOnlyList<IPlatformCommandHandler> StandardHandlers(EdgeGateDatabase database, TemplateSettings templateSettings, TimeProvider timeProvider) =>
    [
        new EnrolCommandHandler(database, templateSettings, timeProvider),
        new UpdatePersonCommandHandler(database),
        new DeregisterCommandHandler(database),
        new CardIssueCommandHandler(database),
        new CardRenewCommandHandler(database),
        new CardRevokeCommandHandler(database),
        new UnlockCommandHandler(),
        new ConfigReloadCommandHandler(),
        new GallerySyncCommandHandler(database, templateSettings, timeProvider),
    ];
}
