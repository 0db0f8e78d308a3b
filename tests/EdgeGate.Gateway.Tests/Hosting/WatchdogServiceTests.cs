using EdgeGate.Gateway.Hosting;
using EdgeGate.Recognition;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Gateway.Tests.Hosting;

/// <summary>
/// What the gateway tells systemd through the package's <see cref="ISystemdNotifier"/>: running once
/// the host has started, then a watchdog ping every half WatchdogSec while every loop beats, none
/// while one is stalled (systemd then restarts the hung gateway).
/// </summary>
public sealed class WatchdogServiceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_watchdog_is_fed_at_half_its_interval_only_while_every_loop_beats()
    {
        var time = new FakeTimeProvider();
        var heartbeats = new LoopHeartbeats(time);
        heartbeats.Beat("recognition");
        heartbeats.Beat("capture gate-cam");
        var notifier = new RecordingNotifier(time);
        var logger = new StallLog();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var service = new WatchdogService(notifier, new SystemdWatchdog(Interval), heartbeats, time, lifetime, logger);
        await service.StartAsync(CancellationToken.None);

        // Nothing before the host has started every service.
        time.Advance(Interval);
        Assert.Empty(notifier.States());
        lifetime.NotifyStarted();
        await Eventually.UntilAsync(() => notifier.States().Contains("STATUS=running"), Bound, "STATUS=running");
        var started = time.GetUtcNow();

        // Both loops beat within WatchdogSec: a ping at 15 s and at 30 s (the camera's last beat 30 s old, not more).
        heartbeats.Beat("capture gate-cam");
        heartbeats.Beat("recognition");
        time.Advance(Interval / 2);
        await Eventually.UntilAsync(() => notifier.Pings().Count == 1, Bound, "the first ping");
        heartbeats.Beat("recognition");
        time.Advance(Interval / 2);
        await Eventually.UntilAsync(() => notifier.Pings().Count == 2, Bound, "the second ping");

        // The camera loop is silent for more than WatchdogSec: no ping, the stalled loop is named.
        heartbeats.Beat("recognition");
        time.Advance(Interval / 2);
        await Eventually.UntilAsync(() => logger.Stalls.Count == 1, Bound, "the stall to be logged");
        Assert.Equal("Not feeding the systemd watchdog: loops stalled: capture gate-cam", logger.Stalls[0]);

        // It beats again: pings again.
        heartbeats.Beat("capture gate-cam");
        heartbeats.Beat("recognition");
        time.Advance(Interval / 2);
        await Eventually.UntilAsync(() => notifier.Pings().Count == 3, Bound, "the ping after the loop recovered");

        Assert.Equal(
            new[] { Interval / 2, Interval, 2 * Interval },
            notifier.Pings().Select(at => at - started));
        Assert.Equal(["STATUS=running", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"], notifier.States());
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_WatchdogSec_the_gateway_only_says_it_is_running()
    {
        var time = new FakeTimeProvider();
        var notifier = new RecordingNotifier(time);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var service = new WatchdogService(notifier, new SystemdWatchdog(Interval: null), new LoopHeartbeats(time), time, lifetime, new StallLog());
        await service.StartAsync(CancellationToken.None);

        lifetime.NotifyStarted();
        await Eventually.UntilAsync(() => service.ExecuteTask is { IsCompleted: true }, Bound, "the service to finish");
        time.Advance(10 * Interval);

        Assert.Equal(["STATUS=running"], notifier.States());
    }

    /// <summary>What was sent, with the fake clock's time of each watchdog ping.</summary>
    private sealed class RecordingNotifier(TimeProvider time) : ISystemdNotifier
    {
        private readonly List<(string State, DateTimeOffset At)> sent = [];

        public bool IsEnabled => true;

        public void Notify(ServiceState state)
        {
            lock (sent)
            {
                sent.Add((state.ToString(), time.GetUtcNow()));
            }
        }

        public List<string> States()
        {
            lock (sent)
            {
                return [.. sent.Select(notification => notification.State)];
            }
        }

        public List<DateTimeOffset> Pings()
        {
            lock (sent)
            {
                return [.. sent.Where(notification => notification.State == "WATCHDOG=1").Select(notification => notification.At)];
            }
        }
    }

    /// <summary>The service's log, keeping the stalled-loops messages (event 9001).</summary>
    private sealed class StallLog : ILogger<WatchdogService>
    {
        private readonly List<string> stalls = [];

        public IReadOnlyList<string> Stalls
        {
            get
            {
                lock (stalls)
                {
                    return [.. stalls];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 9001)
            {
                lock (stalls)
                {
                    stalls.Add(formatter(state, exception));
                }
            }
        }
    }
}
