namespace EdgeGate.Gateway.Hosting;

/// <summary>The watchdog systemd keeps on the gateway (WatchdogSec=): pings are expected within <see cref="Interval"/>; none when null.</summary>
public sealed record SystemdWatchdog(TimeSpan? Interval)
{
    /// <summary>From $WATCHDOG_USEC, when $WATCHDOG_PID is absent or this process.</summary>
    public static SystemdWatchdog FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!long.TryParse(text, out var microseconds) || microseconds <= 0)
        {
            return new SystemdWatchdog(Interval: null);
        }
        if (int.TryParse(pid, out var watchdogPid) && watchdogPid != Environment.ProcessId)
        {
            return new SystemdWatchdog(Interval: null);
        }
        return new SystemdWatchdog(TimeSpan.FromMicroseconds(microseconds));
    }
}
