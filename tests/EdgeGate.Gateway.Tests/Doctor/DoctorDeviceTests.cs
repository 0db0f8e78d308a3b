using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeGate.Uplink;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Doctor;

/// <summary>
/// `edgegate doctor --config` against real devices: a camera on the GStreamer RTSP server, a Modbus
/// relay board (pymodbus slave) and a card reader on socat ptys, the uplink on a TLS mosquitto with
/// a password; then the same configuration with the board, the broker and the camera gone.
/// </summary>
public sealed partial class DoctorDeviceTests(ITestOutputHelper output) : IDisposable
{
    private const string CameraPassword = "s3cret-cam";
    private const string BrokerUser = "north-gate";
    private const string BrokerPassword = "broker-pw-1";
    private const int SlaveId = 5;

    /// <summary>Far above what doctor needs (a few seconds per device), far below a hang.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-doctor-devices-").FullName;

    [Fact]
    public async Task Working_devices_pass_and_each_missing_one_fails_with_what_to_check()
    {
        using var camera = await RtspTestServer.StartAsync([RtspSegment.Blank(5)], width: 640, height: 360, framesPerSecond: 15);
        using var relayLine = await SocatPair.StartAsync();
        using var readerLine = await SocatPair.StartAsync();
        using var slave = await ModbusSlave.StartAsync(relayLine.PathB, new ModbusSlaveOptions { SlaveId = SlaveId });
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Tls = true,
            Users = new Dictionary<string, string> { [BrokerUser] = BrokerPassword },
        });
        var credentials = Path.Combine(directory, "credentials");
        Directory.CreateDirectory(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(credentials, UplinkConnection.PasswordFileName);
        File.WriteAllText(passwordFile, BrokerPassword + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var brokerPort = broker.TlsPort!.Value;
        var cameraUrl = $"rtsp://viewer:{CameraPassword}@127.0.0.1:{camera.Port}/gate";
        var config = WriteConfiguration(cameraUrl, relayLine.PathA, readerLine.PathA, brokerPort, broker.CaCertificatePath!);

        var healthy = await RunDoctorAsync(config);

        Assert.True(healthy.ExitCode == 0, healthy.Output);
        var fps = Assert.Single(CameraLine().Matches(healthy.Output));
        var framesPerSecond = double.Parse(fps.Groups["fps"].Value, CultureInfo.InvariantCulture);
        // A 15 fps stream: generous bounds for a loaded machine, but not the burst of buffered frames at the start.
        Assert.InRange(framesPerSecond, 7.5, 22);
        Assert.Contains($"from rtsp://viewer:***@127.0.0.1:{camera.Port}/gate", healthy.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] door turnstile: relay board answers (slave {SlaveId} on {relayLine.PathA} at 9600 baud): relay coil 0 is off", healthy.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] door lobby: log door, no hardware", healthy.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] reader entry-reader: {readerLine.PathA} opens at 9600 baud", healthy.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] uplink broker: connected to 127.0.0.1:{brokerPort} (TLS, user {BrokerUser})", healthy.Output, StringComparison.Ordinal);
        Assert.Contains("doctor: all checks passed", healthy.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(CameraPassword, healthy.Output, StringComparison.Ordinal);

        slave.Stop();
        broker.Kill();
        var wrongPort = PeerProcess.FreeTcpPort();
        config = WriteConfiguration($"rtsp://viewer:{CameraPassword}@127.0.0.1:{wrongPort}/gate", relayLine.PathA, readerLine.PathA, brokerPort, broker.CaCertificatePath!);

        var watch = Stopwatch.StartNew();
        var broken = await RunDoctorAsync(config);
        output.WriteLine($"the failing run took {watch.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"[FAIL] camera entry-cam: cannot open rtsp://viewer:***@127.0.0.1:{wrongPort}/gate", broken.Output, StringComparison.Ordinal);
        Assert.Contains("what to do: check the address, port and path in Cameras:0:Url", broken.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] door turnstile: no answer from slave {SlaveId} on {relayLine.PathA} at 9600 baud", broken.Output, StringComparison.Ordinal);
        Assert.Contains("what to do: check the board's power and the RS-485 wiring (A to A, B to B: swap A/B if unsure), the baud rate (9600) and slave id (5)", broken.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] uplink broker: cannot connect to 127.0.0.1:{brokerPort} (TLS, user {BrokerUser}) within 5 s: ", broken.Output, StringComparison.Ordinal);
        Assert.Contains("connection refused", broken.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("what to do: check Uplink:Host and Uplink:Port, that the broker runs", broken.Output, StringComparison.Ordinal);
        Assert.Contains($"[ OK ] reader entry-reader: {readerLine.PathA} opens", broken.Output, StringComparison.Ordinal);
        Assert.Contains("doctor: 3 problem(s) found", broken.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(CameraPassword, broken.Output, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"doctor took {watch.Elapsed} with three devices down");
    }

    [Fact]
    public async Task With_nothing_plugged_in_every_device_fails_quickly_in_plain_words()
    {
        var closedPort = PeerProcess.FreeTcpPort();
        var missing = Path.Combine(directory, "dev");
        var configuration = BaseConfiguration(
            cameraUrl: $"rtsp://admin:{CameraPassword}@127.0.0.1:{closedPort}/stream",
            doors: new JsonArray
            {
                new JsonObject { ["Name"] = "turnstile", ["Kind"] = "ModbusRtu", ["ModbusRtu"] = new JsonObject { ["Port"] = Path.Combine(missing, "ttyUSB0"), ["SlaveId"] = 2 } },
                new JsonObject { ["Name"] = "side-door", ["Kind"] = "Lcus", ["Lcus"] = new JsonObject { ["Port"] = Path.Combine(missing, "ttyUSB1") } },
                new JsonObject { ["Name"] = "lobby", ["Kind"] = "Mqtt", ["Mqtt"] = new JsonObject { ["Topic"] = "home/lobby/lock" } },
            },
            readerPort: Path.Combine(missing, "ttyUSB2"),
            uplink: new JsonObject { ["Enabled"] = true, ["Host"] = "127.0.0.1", ["Port"] = closedPort });
        var closedLockPort = PeerProcess.FreeTcpPort();
        configuration["LockBroker"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = closedLockPort };
        var config = Path.Combine(directory, "nothing.json");
        File.WriteAllText(config, configuration.ToJsonString());

        var watch = Stopwatch.StartNew();
        var result = await RunDoctorAsync(config);
        output.WriteLine($"took {watch.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"[FAIL] camera entry-cam: cannot open rtsp://admin:***@127.0.0.1:{closedPort}/stream", result.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] door turnstile: no such serial device {Path.Combine(missing, "ttyUSB0")}", result.Output, StringComparison.Ordinal);
        Assert.Contains("what to do: plug in the adapter and look for it with: ls -l /dev/serial/by-id/; then set Doors:0:ModbusRtu:Port", result.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] door side-door: no such serial device {Path.Combine(missing, "ttyUSB1")}", result.Output, StringComparison.Ordinal);
        Assert.Contains("[ OK ] door lobby: MQTT lock HomeAssistant 'home/lobby/lock' on the lock broker", result.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] lock broker: cannot connect to 127.0.0.1:{closedLockPort} (plain TCP)", result.Output, StringComparison.Ordinal);
        Assert.Contains("what to do: check LockBroker:Host and LockBroker:Port", result.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] reader entry-reader: no such serial device {Path.Combine(missing, "ttyUSB2")}", result.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] uplink broker: cannot connect to 127.0.0.1:{closedPort} (plain TCP)", result.Output, StringComparison.Ordinal);
        Assert.Contains("Connection refused", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(CameraPassword, result.Output, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(25), $"doctor took {watch.Elapsed} with nothing plugged in");
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private Task<GatewayProcess.Result> RunDoctorAsync(string config) => RunAndLogAsync("doctor", "--config", config);

    private async Task<GatewayProcess.Result> RunAndLogAsync(params string[] arguments)
    {
        var result = await GatewayProcess.RunAsync(directory, Bound, arguments);
        output.WriteLine($"$ edgegate {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.Output}");
        return result;
    }

    private string WriteConfiguration(string cameraUrl, string relayPort, string readerPort, int brokerPort, string caFile)
    {
        var configuration = BaseConfiguration(
            cameraUrl,
            new JsonArray
            {
                new JsonObject
                {
                    ["Name"] = "turnstile",
                    ["Kind"] = "ModbusRtu",
                    ["ModbusRtu"] = new JsonObject { ["Port"] = relayPort, ["BaudRate"] = 9600, ["SlaveId"] = SlaveId, ["Coil"] = 0 },
                },
                new JsonObject { ["Name"] = "lobby", ["Kind"] = "Log" },
            },
            readerPort,
            new JsonObject
            {
                ["Enabled"] = true,
                ["Host"] = "127.0.0.1",
                ["Port"] = brokerPort,
                ["CaFile"] = caFile,
                ["Username"] = BrokerUser,
            });
        var path = Path.Combine(directory, "edgegate.json");
        File.WriteAllText(path, configuration.ToJsonString());
        return path;
    }

    private JsonObject BaseConfiguration(string cameraUrl, JsonArray doors, string readerPort, JsonObject uplink) => new()
    {
        ["Gateway"] = new JsonObject
        {
            ["SiteId"] = "maple-court",
            ["GatewayId"] = "north-gate",
            ["DataDirectory"] = Path.Combine(directory, "data"),
            ["CredentialsDirectory"] = Path.Combine(directory, "credentials"),
            ["LogDirectory"] = "",
        },
        ["Api"] = new JsonObject { ["Enabled"] = false },
        ["Cameras"] = new JsonArray
        {
            new JsonObject { ["Name"] = "entry-cam", ["Url"] = cameraUrl, ["Door"] = "turnstile", ["AnalyseFps"] = 5 },
        },
        ["Doors"] = doors,
        ["Readers"] = new JsonArray
        {
            new JsonObject { ["Name"] = "entry-reader", ["Port"] = readerPort, ["Door"] = "turnstile" },
        },
        ["Uplink"] = uplink,
    };

    [GeneratedRegex(@"\[ OK \] camera entry-cam: 640x360 at (?<fps>[0-9.]+) fps \(measured over [0-9.]+ s\)")]
    private static partial Regex CameraLine();
}
