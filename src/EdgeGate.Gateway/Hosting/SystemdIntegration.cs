using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// The gateway under systemd (deploy/edgegate.service: Type=notify, WatchdogSec), through
/// Microsoft.Extensions.Hosting.Systemd: its <see cref="SystemdLifetime"/> sends READY=1 once the
/// host has started every service (the last one, <see cref="EdgeGate.Access.StartupWarmUpGate"/>,
/// waits for the warm-up), STOPPING=1 when the host begins to stop, and stops the host on SIGTERM;
/// <see cref="WatchdogService"/> sends STATUS= and WATCHDOG=1 through its <see cref="ISystemdNotifier"/>.
/// Logging is not touched: the host's only provider is Serilog, so the console formatter
/// <c>AddSystemd</c> selects has no console logger to apply to.
/// </summary>
internal static class SystemdIntegration
{
    public static IServiceCollection AddSystemdIntegration(this IServiceCollection services)
    {
        services.AddSystemd();
        // AddSystemd (10.0) acts only when the parent process is systemd, or when the gateway is
        // PID 1 of a container; the gateway keeps its rule of notifying whenever its service manager
        // gave it $NOTIFY_SOCKET, also when started through a sandbox or wrapper that execs it.
        if (!SystemdHelpers.IsSystemdService() && new SystemdNotifier().IsEnabled)
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
        // Without $NOTIFY_SOCKET (not under systemd) the notifier sends nothing.
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddSingleton(SystemdWatchdog.FromEnvironment());
        services.AddHostedService<WatchdogService>();
        return services;
    }
}
