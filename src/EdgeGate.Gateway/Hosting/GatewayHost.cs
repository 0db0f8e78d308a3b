using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Recognition;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Access;
using EdgeGate.Uplink;
using EdgeGate.Gateway.Logging;
using EdgeGate.Vision.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// The gateway as one Generic Host: one BackgroundService per loop (capture per camera, recognition,
/// decision, doors, readers, uplink, gallery sync), the admin API on Kestrel, the systemd watchdog.
/// </summary>
public static class GatewayHost
{
    /// <param name="configurationPath">The file <paramref name="settings"/> came from: the platform's config_reload reads it again (none: config_reload is unavailable).</param>
    /// <param name="configuration">
    /// The configuration <paramref name="settings"/> were read from: its sections become
    /// <see cref="Microsoft.Extensions.Options.IOptions{TOptions}"/>, validated when the host starts
    /// (<see cref="EdgeGateOptions"/>). None for settings made in code.
    /// </param>
    public static WebApplication Build(
        EdgeGateSettings settings,
        Action<IServiceCollection>? configure = null,
        LogEventLevel consoleLevel = LogEventLevel.Information,
        string? configurationPath = null,
        IConfiguration? configuration = null)
    {
        EnsurePoolThreads();
        Directory.CreateDirectory(settings.Gateway.DataDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = settings.Gateway.DataDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(LoggingSetup.CreateSerilogLogger(settings.Gateway.LogDirectory, LogEventLevel.Information, console: true, consoleLevel), dispose: true);
        builder.Services.Configure<HostOptions>(options =>
        {
            // Long enough for the journal writer and the door relock to finish on SIGTERM.
            options.ShutdownTimeout = TimeSpan.FromSeconds(15);
            options.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
            // One after the other, in registration order: the start completes (and systemd hears
            // READY=1) only after the last service, StartupWarmUpGate, has waited for the warm-up.
            options.ServicesStartConcurrently = false;
        });
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        if (configuration is not null)
        {
            services.AddEdgeGateOptions(configuration);
        }
        services.AddSingleton<LoopHeartbeats>();
        services.AddSingleton(provider => new StartupWarmUp(
            StartupWarmUp.PartsFor(settings.Doors.Select(door => door.Name)), provider.GetRequiredService<ILogger<StartupWarmUp>>()));
        services.AddSystemdIntegration();
        services.AddGatewayDatabase(settings);
        // Before the cameras and locks: it starts before them and stops after them.
        services.AddDeviceAlerts();
        configure?.Invoke(services);
        services.AddRecognition(settings);
        services.AddAccessControl(settings);
        services.AddRecognitionAttempts();
        var embedding = ModelCatalog.Locate(NullIfEmpty(settings.Models.Directory)).Get(ModelNames.Embedding);
        services.AddGallerySync(settings, embedding.ModelId ?? embedding.File);
        services.AddSingleton<PhotoEnrolment>();
        services.AddSingleton<DecisionFeedAdapter>();
        services.AddSingleton<IDecisionFeed>(provider => provider.GetRequiredService<DecisionFeedAdapter>());
        services.AddSingleton<RemoteUnlockBridge>();
        services.AddSingleton<IRemoteUnlock>(provider => provider.GetRequiredService<RemoteUnlockBridge>());
        services.AddSingleton<ICameraStatus, CameraStatusAdapter>();
        if (configurationPath is not null)
        {
            services.AddConfigurationReload(configurationPath, settings);
        }
        services.AddUplink(settings, GatewayDatabase.CredentialsDirectory(settings));
        if (settings.Api.Enabled)
        {
            builder.AddAdminApi(settings);
        }
        else
        {
            services.AddSingleton<IServer, NoHttpServer>();
        }
        // The last hosted service: the host's start completes (and READY=1 goes out) once warm.
        services.AddHostedService<StartupWarmUpGate>();
        var app = builder.Build();
        if (settings.Api.Enabled)
        {
            app.MapAdminApi();
            app.LogAdminApiAddresses();
        }
        return app;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// A door pulse ends (the relock) on a thread-pool continuation. On a two-core box the pool
    /// starts with two threads and adds one about every half second, so while SQLite commits block
    /// pool threads in fsync a 500 ms pulse was measured ending 0.45–0.9 s late. Start the pool with
    /// enough threads that it never has to grow on the door's critical path.
    /// </summary>
    internal static void EnsurePoolThreads()
    {
        const int minimum = 32;
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, minimum), Math.Max(completionPorts, minimum));
    }
}
