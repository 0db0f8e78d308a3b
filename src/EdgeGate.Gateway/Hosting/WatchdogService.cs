using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using EdgeGate.Recognition;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// Tells systemd the gateway is ready once the host has started every service (the last one waits
/// for the <see cref="EdgeGate.Access.StartupWarmUp"/>), and feeds its watchdog while every loop is alive.
/// </summary>
public sealed partial class WatchdogService(
    SystemdNotifier notifier,
    LoopHeartbeats heartbeats,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<WatchdogService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        notifier.Ready("running");
        var interval = SystemdNotifier.WatchdogInterval();
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
                notifier.Watchdog();
            }
            else
            {
                LogStalled(string.Join(", ", stalled));
            }
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        notifier.Stopping();
        return base.StopAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Not feeding the systemd watchdog: loops stalled: {Loops}")]
    private partial void LogStalled(string loops);
}
