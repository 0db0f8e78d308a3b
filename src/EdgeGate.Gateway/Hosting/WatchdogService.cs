using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using EdgeGate.Recognition;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// Once the host has started every service (the last one waits for the
/// <see cref="EdgeGate.Access.StartupWarmUp"/>; <see cref="SystemdLifetime"/> sends READY=1 then),
/// tells systemd the gateway is running and feeds its watchdog while every loop is alive.
/// </summary>
public sealed partial class WatchdogService(
    ISystemdNotifier notifier,
    LoopHeartbeats heartbeats,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<WatchdogService> logger) : BackgroundService
{
    private static readonly ServiceState Running = new("STATUS=running");
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        Notify(Running);
        var interval = SystemdIntegration.WatchdogInterval();
        if (interval is null)
        {
            return;
        }
        // Ping at half the interval, as sd_watchdog_enabled(3) recommends.
        var period = interval.Value / 2;
        using var timer = new PeriodicTimer(period, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var stalled = heartbeats.Stalled(interval.Value);
            if (stalled.Count == 0)
            {
                Notify(Watchdog);
            }
            else
            {
                LogStalled(string.Join(", ", stalled));
            }
        }
    }

    private void Notify(ServiceState state)
    {
        try
        {
            notifier.Notify(state);
        }
        catch (SocketException)
        {
            // systemd gone (shutdown) or the socket vanished: nothing useful to do about it here.
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Not feeding the systemd watchdog: loops stalled: {Loops}")]
    private partial void LogStalled(string loops);
}
