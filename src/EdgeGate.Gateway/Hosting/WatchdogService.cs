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
    SystemdWatchdog watchdog,
    LoopHeartbeats heartbeats,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<WatchdogService> logger) : BackgroundService
{
    private static readonly ServiceState Running = new("STATUS=running");
    private static readonly ServiceState WatchdogPing = new("WATCHDOG=1");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        if (watchdog.Interval is not { } interval)
        {
            Notify(Running);
            return;
        }
        // Ping at half the interval, as sd_watchdog_enabled(3) recommends, counted from now.
        using var timer = new PeriodicTimer(interval / 2, timeProvider);
        Notify(Running);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var stalled = heartbeats.Stalled(interval);
            if (stalled.Count == 0)
            {
                Notify(WatchdogPing);
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
