using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Hosting;

/// <summary>
/// <c>edgegate run</c> as systemd starts it (deploy/edgegate.service: Type=notify, WatchdogSec): the
/// real program with $NOTIFY_SOCKET naming a datagram socket the test reads, and $WATCHDOG_USEC.
/// The notifications are Microsoft.Extensions.Hosting.Systemd's; what they say and when is the gateway's.
/// </summary>
public sealed class SystemdNotificationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromSeconds(4);

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-systemd-").FullName;

    [Fact]
    public async Task Under_systemd_the_gateway_reports_ready_after_its_warm_up_feeds_the_watchdog_and_reports_stopping()
    {
        var socketName = $"edgegate-test-notify-{Guid.NewGuid():N}";
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint("\0" + socketName));
        var notifications = new Notifications(socket);
        using var gateway = Start(
            "--unset=WATCHDOG_PID", $"NOTIFY_SOCKET=@{socketName}", $"WATCHDOG_USEC={(long)WatchdogInterval.TotalMicroseconds}");

        await notifications.WaitForAsync(messages => messages.Contains("READY=1"), gateway, "READY=1");
        // Ready only once the warm-up is over: the lifetime says so (and sends READY=1) after the
        // warm-up's last line, and the console keeps the gateway's own format (no systemd formatter).
        var lines = gateway.Output.Split('\n');
        var warmedUp = Array.FindIndex(lines, line => line.Contains("Warm-up:", StringComparison.Ordinal) && line.Contains("reporting ready", StringComparison.Ordinal));
        var started = Array.FindIndex(lines, line => line.Contains("Microsoft.Hosting.Lifetime: Application started.", StringComparison.Ordinal));
        Assert.True(warmedUp >= 0 && started > warmedUp, $"warm-up done at line {warmedUp}, application started at line {started}:\n{gateway.Output}");
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d INF EdgeGate\.Access\.StartupWarmUp: Warm-up: ", lines[warmedUp]);

        // Running, then a watchdog ping every half interval; none before READY=1.
        await notifications.WaitForAsync(messages => messages.Count(message => message == "WATCHDOG=1") >= 3, gateway, "three WATCHDOG=1");
        var received = notifications.Received();
        Assert.Contains("STATUS=running", received);
        Assert.True(received.IndexOf("READY=1") < received.IndexOf("WATCHDOG=1"), string.Join(" | ", received));
        Assert.All(received, message => Assert.Contains(message, new[] { "READY=1", "STATUS=running", "WATCHDOG=1" }));
        var pings = notifications.WatchdogTimes();
        Assert.True(pings[2] - pings[0] < 2 * WatchdogInterval, $"three pings took {(pings[2] - pings[0]).TotalSeconds:F1} s with WatchdogSec {WatchdogInterval.TotalSeconds} s");

        // systemctl stop: SIGTERM, STOPPING=1 and a clean exit.
        await SignalAsync(gateway, "TERM");
        await notifications.WaitForAsync(messages => messages.Contains("STOPPING=1"), gateway, "STOPPING=1", mayExit: true);
        await Eventually.UntilAsync(() => gateway.HasExited, StartBound, "the gateway to exit", () => gateway.Output);
        output.WriteLine(gateway.Output);
        Assert.Equal(0, gateway.ExitCode);
    }

    [Fact]
    public async Task Without_systemd_nothing_is_notified_and_the_gateway_runs_and_stops_as_before()
    {
        using var gateway = Start("--unset=NOTIFY_SOCKET", "--unset=WATCHDOG_USEC", "--unset=WATCHDOG_PID");

        // The console host's lifetime (Ctrl+C and SIGTERM stop it), not systemd's.
        await gateway.WaitForOutputAsync("Application started. Press Ctrl+C to shut down.", StartBound);
        Assert.Contains("reporting ready", gateway.Output, StringComparison.Ordinal);
        await SignalAsync(gateway, "TERM");
        await Eventually.UntilAsync(() => gateway.HasExited, StartBound, "the gateway to exit", () => gateway.Output);
        output.WriteLine(gateway.Output);
        Assert.Equal(0, gateway.ExitCode);
        Assert.DoesNotContain(" ERR ", gateway.Output, StringComparison.Ordinal);
    }

    /// <summary><c>edgegate run</c> on a one-door configuration in the test's folder, through <c>env</c> (which execs it: same process).</summary>
    private PeerProcess Start(params string[] environment)
    {
        var configuration = Path.Combine(directory, "edgegate.json");
        File.WriteAllText(configuration, new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["SiteId"] = "systemd-site",
                ["GatewayId"] = "systemd-gate",
                ["DataDirectory"] = Path.Combine(directory, "data"),
                ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
                ["LogDirectory"] = "",
            },
            ["Api"] = new JsonObject { ["Enabled"] = false },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log" } },
        }.ToJsonString());
        return PeerProcess.Start("env", [.. environment, "dotnet", GatewayProcess.ProgramAssembly, "run", "--config", configuration], directory);
    }

    private static async Task SignalAsync(PeerProcess process, string signal)
    {
        var result = await GatewayProcess.RunProgramAsync("kill", "/", TimeSpan.FromSeconds(10), null, $"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, $"kill -{signal}: {result.Output}");
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>The datagrams the gateway sent to the notify socket, with when they arrived.</summary>
    private sealed class Notifications(Socket socket)
    {
        private readonly List<(string Message, TimeSpan At)> received = [];
        private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

        public List<string> Received() => [.. received.Select(notification => notification.Message)];

        public List<TimeSpan> WatchdogTimes() => [.. received.Where(notification => notification.Message == "WATCHDOG=1").Select(notification => notification.At)];

        /// <summary>Reads datagrams until <paramref name="done"/> holds for all received so far.</summary>
        public async Task WaitForAsync(Func<List<string>, bool> done, PeerProcess gateway, string awaited, bool mayExit = false)
        {
            using var timeout = new CancellationTokenSource(StartBound);
            var buffer = new byte[4096];
            while (!done(Received()))
            {
                Assert.False(!mayExit && gateway.HasExited, $"the gateway exited before {awaited}:\n{gateway.Output}");
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                poll.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    var length = await socket.ReceiveAsync(buffer, SocketFlags.None, poll.Token);
                    received.Add((Encoding.UTF8.GetString(buffer, 0, length), clock.Elapsed));
                }
                catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
                {
                    // Nothing this second: look at the process again.
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"no {awaited} on NOTIFY_SOCKET within {StartBound.TotalSeconds} s; received: {string.Join(" | ", Received())}\n{gateway.Output}");
                }
            }
        }
    }
}
