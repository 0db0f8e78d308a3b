using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGate.Devices.Serial;
using EdgeGate.Gateway.Cli;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Doctor;

/// <summary>
/// The README's installation, end to end, on this machine without touching it: the gateway as built
/// (laid out like a published package) is installed by <c>deploy/install.sh</c> for real inside a
/// private mount namespace whose /etc, /opt and /var are overlays (<see cref="InstallNamespace"/>);
/// then, as root, <c>edgegate provision</c> (a TLS mosquitto with a password stands for the
/// platform), <c>edgegate doctor</c>, <c>persons add</c> and <c>cards issue</c>; then the installed
/// <c>edgegate run</c> starts the way deploy/edgegate.service starts it, read from that file: its
/// user and groups, Environment= lines, working directory, umask, no new privileges, no
/// capabilities, Type=notify (a NOTIFY_SOCKET the test listens on) and its sandbox simulated with
/// mounts (ProtectSystem=strict: everything read-only but ReadWritePaths, StateDirectory and
/// LogsDirectory; PrivateTmp; ProtectHome). It must report READY and grant a card swiped on a serial
/// reader (a socat pty, group dialout like a USB adapter).
/// </summary>
public sealed class InstalledServiceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan StepBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DecisionBound = TimeSpan.FromSeconds(20);
    private const string CardUid = "0004A1B2C3";
    private const string Config = "/etc/edgegate/edgegate.json";
    private const string Credentials = "/etc/edgegate/credentials";

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-installed-").FullName;
    private readonly string notifySocketName = $"edgegate-test-notify-{Guid.NewGuid():N}";
    private readonly List<string> notifications = [];
    private readonly CancellationTokenSource stop = new();
    private InstallNamespace? box;
    private MosquittoBroker? platform;
    private SocatPair? readerLine;
    private Socket? notifySocket;
    private Task? listening;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        platform = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Tls = true,
            Users = new Dictionary<string, string> { ["gate-7"] = "platform-issued-password" },
        });
        readerLine = await SocatPair.StartAsync();
        box = await InstallNamespace.StartAsync(directory, TimeSpan.FromSeconds(20));
        notifySocket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notifySocket.Bind(new UnixDomainSocketEndPoint("\0" + notifySocketName));
        listening = ListenForNotificationsAsync();
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        notifySocket?.Dispose();
        if (listening is not null)
        {
            await listening.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
        box?.Dispose();
        readerLine?.Dispose();
        platform?.Dispose();
        stop.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [SandboxFact]
    public async Task The_package_installs_provisions_passes_doctor_and_the_sandboxed_service_reports_ready_and_grants_a_card()
    {
        var unit = SystemdUnit.Load(Path.Combine(RepositoryPaths.Root, "deploy", "edgegate.service"));
        var user = unit.Required("User");
        var apiPort = PeerProcess.FreeTcpPort();
        // The reader's tty is group dialout, as udev makes a USB serial adapter.
        var readerTty = Path.GetFullPath(new FileInfo(readerLine!.PathB).LinkTarget!);
        await RunOnHostAsync("chgrp", "dialout", readerTty);
        await RunOnHostAsync("chmod", "0660", readerTty);

        // 1. deploy/install.sh --package ... --config ... (systemctl stands in: there is no systemd here).
        var site = Path.Combine(directory, "site.json");
        await File.WriteAllTextAsync(site, new JsonObject
        {
            ["Gateway"] = new JsonObject { ["TimeZone"] = "UTC" },
            ["Api"] = new JsonObject { ["Enabled"] = true, ["Url"] = $"http://127.0.0.1:{apiPort}" },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log", ["PulseLength"] = "00:00:00.500" } },
            ["Readers"] = new JsonArray { new JsonObject { ["Name"] = "gate-reader", ["Port"] = readerTty, ["Door"] = "gate" } },
        }.ToJsonString());
        var traps = CreateTraps();
        var installed = await StepAsync("install.sh", new Dictionary<string, string> { ["PATH"] = $"{traps}:{InstallNamespace.RootPath}" },
            "bash", Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"), "--package", GatewayProcess.ProgramFolder, "--config", site);
        Assert.Contains("install.sh: installed. Give the box its identity with:", installed, StringComparison.Ordinal);
        var systemctl = await File.ReadAllTextAsync(Path.Combine(traps, "calls.log"));
        Assert.Equal("systemctl daemon-reload\nsystemctl enable edgegate.service\n", systemctl);

        // 2. edgegate provision (the README's line, the default configuration path).
        var password = Path.Combine(directory, "password.txt");
        await File.WriteAllTextAsync(password, "platform-issued-password\n");
        var provisioned = await StepAsync("provision", null, "/opt/edgegate/edgegate", "provision", "--site", "maple-court", "--gateway", "gate-7",
            "--broker", $"127.0.0.1:{platform!.TlsPort}", "--ca", platform.CaCertificatePath!, "--username", "gate-7", "--password-file", password);
        Assert.Contains($"template key:   {Credentials}/template-key (created)", provisioned, StringComparison.Ordinal);
        Assert.Contains($"API token:      {Credentials}/api-token (created)", provisioned, StringComparison.Ordinal);
        var secrets = await StepAsync("secrets", null, "stat", "--format=%n %U %a", $"{Credentials}/uplink-password", $"{Credentials}/template-key", $"{Credentials}/api-token", Credentials);
        Assert.Equal(
            [$"{Credentials}/uplink-password {user} 600", $"{Credentials}/template-key {user} 600", $"{Credentials}/api-token {user} 600", $"{Credentials} {user} 700"],
            secrets.Trim().Split('\n'));

        // 3. edgegate doctor --config /etc/edgegate/edgegate.json
        var doctor = await StepAsync("doctor", null, "/opt/edgegate/edgegate", "doctor", "--config", Config);
        Assert.Contains("[ OK ] template key: /etc/edgegate/credentials/template-key present", doctor, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] uplink broker: connected to 127.0.0.1:{platform.TlsPort}", doctor, StringComparison.Ordinal);
        Assert.Contains("doctor: all checks passed", doctor, StringComparison.Ordinal);

        // 4. The property office, as root, before the service ever ran: the database is created now.
        await StepAsync("persons add", null, "/opt/edgegate/edgegate", "persons", "add", "r-101", "--name", "Ana Lima");
        await StepAsync("cards issue", null, "/opt/edgegate/edgegate", "cards", "issue", CardUid, "--person", "r-101",
            "--until", DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var state = await StepAsync("state files", null, "stat", "--format=%n %U", "/var/lib/edgegate", "/var/lib/edgegate/edgegate.db");
        Assert.Equal([$"/var/lib/edgegate {user}", $"/var/lib/edgegate/edgegate.db {user}"], state.Trim().Split('\n'));

        // 5. systemctl start edgegate: the unit's way, under its sandbox.
        using var service = StartService(unit, Path.Combine(directory, "service.sh"));
        await WaitForNotificationAsync("READY=1", service, ReadyBound);
        var status = await File.ReadAllTextAsync($"/proc/{service.Id}/status");
        var uid = (await StepAsync("id", null, "id", "-u", user)).Trim();
        Assert.Contains($"\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n", status, StringComparison.Ordinal);
        Assert.Contains("\nCapEff:\t0000000000000000\n", status, StringComparison.Ordinal);
        Assert.Contains("\nNoNewPrivs:\t1\n", status, StringComparison.Ordinal);

        // 6. A resident swipes the card: granted, journaled, the door pulsed.
        await SwipeUntilDecidedAsync(service);
        Assert.Contains("Door gate: GRANTED_CARD for r-101 (CardReader), journal seq", service.Output, StringComparison.Ordinal);
        await service.WaitForOutputAsync("Door gate released (pulse)", DecisionBound);
        var token = (await StepAsync("read the API token", null, "cat", $"{Credentials}/api-token")).Trim();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var events = await http.GetStringAsync("/api/v1/events?type=access_decision");
        output.WriteLine($"GET /api/v1/events?type=access_decision -> {events}");
        Assert.Contains("GRANTED_CARD", events, StringComparison.Ordinal);
        Assert.Contains("r-101", events, StringComparison.Ordinal);

        // 7. systemctl stop: SIGTERM, a clean stop.
        await RunOnHostAsync("kill", "-TERM", service.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, await WaitForExitAsync(service, TimeSpan.FromSeconds(30)));
        Assert.Contains("STOPPING=1", Notifications(), StringComparison.Ordinal);
    }

    [SandboxFact]
    public async Task A_secret_the_sandboxed_service_may_not_create_stops_it_with_one_line_and_an_exit_code_systemd_does_not_restart()
    {
        var unit = SystemdUnit.Load(Path.Combine(RepositoryPaths.Root, "deploy", "edgegate.service"));
        Assert.Equal("on-failure", unit.Value("Restart"));
        Assert.Contains(RunCommand.CannotStartExitCode.ToString(CultureInfo.InvariantCulture), unit.Words("RestartPreventExitStatus"));
        var site = Path.Combine(directory, "site.json");
        await File.WriteAllTextAsync(site, new JsonObject
        {
            ["Gateway"] = new JsonObject { ["SiteId"] = "maple-court", ["GatewayId"] = "gate-7" },
            ["Api"] = new JsonObject { ["Enabled"] = true, ["Url"] = $"http://127.0.0.1:{PeerProcess.FreeTcpPort()}" },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "gate", ["Kind"] = "Log" } },
        }.ToJsonString());
        var traps = CreateTraps();
        await StepAsync("install.sh", new Dictionary<string, string> { ["PATH"] = $"{traps}:{InstallNamespace.RootPath}" },
            "bash", Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"), "--package", GatewayProcess.ProgramFolder, "--config", site);

        // Started without provision: nothing in the credentials folder, which the unit keeps read-only.
        using var service = StartService(unit, Path.Combine(directory, "service.sh"));
        var exitCode = await WaitForExitAsync(service, StepBound);
        output.WriteLine($"service (exit {exitCode}):\n{service.Output}");

        Assert.Equal(RunCommand.CannotStartExitCode, exitCode);
        var line = Assert.Single(service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"edgegate run: cannot start: cannot write the credential file {Credentials}/template-key: Read-only file system", line, StringComparison.Ordinal);
        Assert.Contains("edgegate provision", line, StringComparison.Ordinal);
        Assert.DoesNotContain("READY=1", Notifications(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts the installed service as the unit would: a further private mount namespace set up by a
    /// script built from <paramref name="unit"/>, then its ExecStart as its User with its Environment=.
    /// </summary>
    private PeerProcess StartService(SystemdUnit unit, string scriptPath)
    {
        File.WriteAllText(scriptPath, ServiceScript(unit, "@" + notifySocketName));
        output.WriteLine($"--- {scriptPath}\n{File.ReadAllText(scriptPath)}---");
        return box!.Start("unshare", "--mount", "--propagation", "private", "bash", scriptPath);
    }

    /// <summary>The unit's start-up, in bash: its directories, its read-only view of the system, its user, its environment.</summary>
    internal static string ServiceScript(SystemdUnit unit, string notifySocket)
    {
        Assert.Equal("strict", unit.Value("ProtectSystem"));
        Assert.Equal("notify", unit.Value("Type"));
        var user = unit.Required("User");
        var group = unit.Value("Group") ?? user;
        var state = unit.Words("StateDirectory").Select(name => $"/var/lib/{name}").ToList();
        var logs = unit.Words("LogsDirectory").Select(name => $"/var/log/{name}").ToList();
        var writable = unit.Words("ReadWritePaths").Concat(state).Concat(logs).Distinct(StringComparer.Ordinal).ToList();
        // What systemd gives a service with User= (words for bash: some expand on purpose), then the unit's own.
        var environment = new List<string>
        {
            Quote($"PATH={InstallNamespace.RootPath}"),
            Quote("USER=" + user),
            Quote("LOGNAME=" + user),
            "\"HOME=$(getent passwd \"$user\" | cut -d: -f6)\"",
            "\"SHELL=$(getent passwd \"$user\" | cut -d: -f7)\"",
            Quote("NOTIFY_SOCKET=" + notifySocket),
        };
        if (unit.Duration("WatchdogSec") is { } watchdog)
        {
            environment.Add(Quote($"WATCHDOG_USEC={(long)watchdog.TotalMicroseconds}"));
            environment.Add("\"WATCHDOG_PID=$$\"");
        }
        environment.AddRange(unit.Environment().Select(pair => Quote($"{pair.Key}={pair.Value}")));
        var groups = string.Join(',', unit.Words("SupplementaryGroups"));
        var script = new StringBuilder();
        script.AppendLine("set -euo pipefail");
        script.AppendLine($"user={Quote(user)} group={Quote(group)}");
        script.AppendLine("# StateDirectory= and LogsDirectory=: systemd creates them and gives them to the user.");
        foreach (var (folder, mode) in state.Select(path => (path, unit.Value("StateDirectoryMode") ?? "0755"))
            .Concat(logs.Select(path => (path, unit.Value("LogsDirectoryMode") ?? "0755"))))
        {
            script.AppendLine($"install -d -m {mode} {Quote(folder)} && chown \"$user:$group\" {Quote(folder)} && chmod {mode} {Quote(folder)}");
        }
        script.AppendLine("# ProtectSystem=strict: every mount read-only except the API file systems and the writable paths.");
        script.AppendLine($"writable=({string.Join(' ', writable.Select(Quote))})");
        script.AppendLine("for path in \"${writable[@]}\"; do mount --bind \"$path\" \"$path\"; done");
        script.AppendLine("awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r point; do");
        script.AppendLine("  case \"$point\" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac");
        script.AppendLine("  for path in \"${writable[@]}\"; do [ \"$point\" = \"$path\" ] && continue 2; done");
        script.AppendLine("  mount -o remount,bind,ro \"$point\"");
        script.AppendLine("done");
        if (unit.Value("ProtectKernelTunables") == "yes")
        {
            script.AppendLine("mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && mount -o remount,bind,ro /sys");
        }
        if (unit.Value("PrivateTmp") == "yes")
        {
            script.AppendLine("mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=1777 tmpfs /var/tmp");
        }
        if (unit.Value("ProtectHome") == "yes")
        {
            script.AppendLine("for home in /home /root /run/user; do if [ -d \"$home\" ]; then mount -t tmpfs -o ro,mode=0755 tmpfs \"$home\"; fi; done");
        }
        script.AppendLine($"cd {Quote(unit.Value("WorkingDirectory") ?? "/")}");
        if (unit.Value("UMask") is { } umask)
        {
            script.AppendLine($"umask {umask}");
        }
        var privileges = new List<string> { "--reuid=\"$user\"", "--regid=\"$group\"", $"--groups=\"$(id -G \"$user\" | tr ' ' ',')\"{(groups.Length > 0 ? "," + groups : "")}" };
        if (unit.Value("NoNewPrivileges") == "yes")
        {
            privileges.Add("--no-new-privs");
        }
        if (unit.Words("CapabilityBoundingSet").Count == 0)
        {
            privileges.Add("--bounding-set=-all");
            privileges.Add("--inh-caps=-all");
        }
        script.AppendLine($"exec setpriv {string.Join(' ', privileges)} -- env -i \\");
        foreach (var variable in environment)
        {
            script.AppendLine($"  {variable} \\");
        }
        script.AppendLine("  " + string.Join(' ', unit.Words("ExecStart").Select(Quote)));
        return script.ToString();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task<string> StepAsync(string name, IReadOnlyDictionary<string, string>? environment, params string[] command)
    {
        var result = await box!.RunAsync(StepBound, environment, command);
        output.WriteLine($"# {name}: {string.Join(' ', command)} -> {result.ExitCode}\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"{name} failed ({result.ExitCode}):\n{result.Output}");
        return result.Output;
    }

    private async Task RunOnHostAsync(string program, params string[] arguments)
    {
        var result = await GatewayProcess.RunProgramAsync(program, directory, StepBound, null, arguments);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {result.Output}");
    }

    /// <summary>Types the card number into the reader until the service decides (the reader opens its line once started).</summary>
    private async Task SwipeUntilDecidedAsync(PeerProcess service)
    {
        using var reader = SerialPortStream.Open(readerLine!.PathA, 9600);
        await Eventually.RepeatUntilAsync(
            async () => await reader.WriteAsync(Encoding.ASCII.GetBytes(CardUid.ToLowerInvariant() + "\r\n")),
            () =>
            {
                Assert.False(service.HasExited, $"the service exited:\n{service.Output}");
                return Task.FromResult(service.Output.Contains("GRANTED_CARD", StringComparison.Ordinal));
            },
            TimeSpan.FromMilliseconds(500),
            DecisionBound,
            "a decision for the card",
            () => service.Output);
        output.WriteLine($"service output:\n{service.Output}");
    }

    private async Task WaitForNotificationAsync(string text, PeerProcess service, TimeSpan bound)
    {
        await Eventually.UntilAsync(
            () =>
            {
                Assert.False(service.HasExited, $"the service exited before {text}:\n{service.Output}");
                return Notifications().Contains(text, StringComparison.Ordinal);
            },
            bound,
            $"{text} on NOTIFY_SOCKET",
            () => service.Output);
        output.WriteLine($"notifications: {Notifications().Replace('\n', ' ')}");
    }

    private static async Task<int> WaitForExitAsync(PeerProcess process, TimeSpan bound)
    {
        await Eventually.UntilAsync(() => process.HasExited, bound, "the process to exit", () => process.Output);
        return process.ExitCode;
    }

    private string Notifications()
    {
        lock (notifications)
        {
            return string.Join('\n', notifications);
        }
    }

    private async Task ListenForNotificationsAsync()
    {
        var buffer = new byte[4096];
        while (!stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await notifySocket!.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (notifications)
            {
                notifications.Add(Encoding.UTF8.GetString(buffer, 0, received));
            }
        }
    }

    /// <summary>systemctl and apt-get as scripts that record their call (systemctl succeeds; apt-get must not be needed).</summary>
    private string CreateTraps()
    {
        var traps = Path.Combine(directory, "traps");
        Directory.CreateDirectory(traps);
        var calls = Path.Combine(traps, "calls.log");
        File.WriteAllText(calls, "");
        foreach (var (name, exitCode) in new[] { ("systemctl", 0), ("apt-get", 1) })
        {
            var path = Path.Combine(traps, name);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $*\" >> '{calls}'\nexit {exitCode}\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        return traps;
    }
}

/// <summary>
/// A fact that needs root and private mount namespaces (<c>unshare --mount</c>, <c>nsenter</c>, overlay
/// mounts, <c>setpriv</c>): skipped, with the reason, where they are not available.
/// </summary>
public sealed class SandboxFactAttribute : FactAttribute
{
    public SandboxFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: the installed service is started in private mount namespaces (unshare --mount) as its own user (setpriv)";
            return;
        }
        using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("unshare", ["--mount", "true"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        });
        if (probe is null || !probe.WaitForExit(10_000) || probe.ExitCode != 0)
        {
            Skip = $"unshare --mount is not permitted here (needs CAP_SYS_ADMIN): {probe?.StandardError.ReadToEnd().Trim()}";
        }
    }
}
