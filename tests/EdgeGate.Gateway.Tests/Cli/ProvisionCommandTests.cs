using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeGate.Configuration;
using EdgeGate.Access;
using EdgeGate.Uplink;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Doctor;
using EdgeGate.Gateway.Provisioning;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Cli;

/// <summary>`edgegate provision`, in-process as the program runs it, on configurations in a temp folder.</summary>
public sealed class ProvisionCommandTests(ITestOutputHelper output) : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;
    private const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-provision-").FullName;

    private string ConfigPath => Path.Combine(directory, "etc", "edgegate.json");

    private string CredentialsPath => Path.Combine(directory, "etc", "credentials");

    [Fact]
    public async Task A_new_box_gets_a_config_ca_and_password_the_uplink_connects_with()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Tls = true,
            Users = new Dictionary<string, string> { ["maple-north"] = "pw-from-platform" },
        });
        var passwordFile = WriteInput("password.txt", "pw-from-platform\n");

        var (exitCode, standardOutput, _) = await RunAsync(
            "--site", "maple-court", "--gateway", "north-gate", "--broker", $"127.0.0.1:{broker.TlsPort}",
            "--ca", broker.CaCertificatePath!, "--username", "maple-north", "--password-file", passwordFile,
            "--config", ConfigPath, "--credentials-dir", CredentialsPath);

        Assert.Equal(0, exitCode);
        Assert.Contains($"configuration:  {ConfigPath} (created)", standardOutput, StringComparison.Ordinal);
        var settings = EdgeGateSettings.Load(ConfigPath);
        Assert.Equal(("maple-court", "north-gate"), (settings.Gateway.SiteId, settings.Gateway.GatewayId));
        Assert.Equal(CredentialsPath, settings.Gateway.CredentialsDirectory);
        Assert.True(settings.Uplink.Enabled);
        Assert.Equal(("127.0.0.1", broker.TlsPort!.Value, "maple-north"), (settings.Uplink.Host, settings.Uplink.Port, settings.Uplink.Username));
        var ca = Path.Combine(directory, "etc", DeviceProvisioning.CaFileName);
        Assert.Equal(ca, settings.Uplink.CaFile);
        Assert.Equal(File.ReadAllBytes(broker.CaCertificatePath!), File.ReadAllBytes(ca));
        Assert.Equal(Public, File.GetUnixFileMode(ca));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(CredentialsPath));
        var password = Path.Combine(CredentialsPath, UplinkConnection.PasswordFileName);
        Assert.Equal(Private, File.GetUnixFileMode(password));
        Assert.Empty(Directory.GetFiles(Path.Combine(directory, "etc"), ".*.tmp", SearchOption.AllDirectories));

        // The uplink reads the password the way the gateway does, and the broker takes it over TLS.
        Assert.Equal("pw-from-platform", UplinkConnection.CreateOptions(settings.Uplink, settings.Gateway, GatewayDatabase.CredentialsDirectory(settings)).Password);
        var findings = new List<DoctorFinding>();
        await foreach (var finding in new BrokerChecks(settings).RunAsync(CancellationToken.None))
        {
            findings.Add(finding);
        }
        var connected = Assert.Single(findings);
        Assert.True(connected.Severity == FindingSeverity.Ok, connected.ToString());
        Assert.StartsWith($"connected to 127.0.0.1:{broker.TlsPort} (TLS, user maple-north)", connected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provisioning_again_updates_the_identity_and_keeps_every_other_section()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        var existing = new JsonObject
        {
            ["gateway"] = new JsonObject
            {
                ["siteId"] = "old-site",
                ["GatewayId"] = "old-gate",
                ["DataDirectory"] = Path.Combine(directory, "data"),
                ["CredentialsDirectory"] = CredentialsPath,
                ["TimeZone"] = "Asia/Shanghai",
            },
            ["Recognition"] = new JsonObject { ["MatchThreshold"] = 0.47, ["VotesRequired"] = 2 },
            ["Doors"] = new JsonArray { new JsonObject { ["Name"] = "turnstile", ["Kind"] = "Log", ["PulseLength"] = "00:00:02" } },
            ["Uplink"] = new JsonObject { ["Enabled"] = false, ["Window"] = 123, ["Host"] = "old.example" },
            ["Api"] = new JsonObject { ["Enabled"] = false },
        };
        File.WriteAllText(ConfigPath, existing.ToJsonString());
        File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var firstCa = WriteInput("first-ca.pem", CreateCaPem("First Platform CA"));
        var secondCa = WriteInput("second-ca.pem", CreateCaPem("Second Platform CA"));

        var first = await RunAsync("--site", "maple-court", "--gateway", "north-gate", "--broker", "mqtt.platform.example",
            "--ca", firstCa, "--username", "north", "--password-file", WriteInput("first.txt", "first-password"), "--config", ConfigPath);
        var second = await RunAsync("--site", "maple-court", "--gateway", "south-gate", "--broker", "[fd00::7]:9883",
            "--ca", secondCa, "--username", "south", "--password-file", WriteInput("second.txt", "second-password\r\n"), "--config", ConfigPath);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains($"configuration:  {ConfigPath} (updated)", second.Output, StringComparison.Ordinal);
        var settings = EdgeGateSettings.Load(ConfigPath);
        Assert.Equal(("maple-court", "south-gate", "Asia/Shanghai"), (settings.Gateway.SiteId, settings.Gateway.GatewayId, settings.Gateway.TimeZone));
        Assert.Equal(("fd00::7", 9883, "south", 123, true), (settings.Uplink.Host, settings.Uplink.Port, settings.Uplink.Username, settings.Uplink.Window, settings.Uplink.Enabled));
        Assert.Equal((0.47, 2), (settings.Recognition.MatchThreshold, settings.Recognition.VotesRequired));
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(settings.Doors).PulseLength);
        Assert.Equal(File.ReadAllText(secondCa), File.ReadAllText(settings.Uplink.CaFile));
        Assert.Equal("second-password\n", File.ReadAllText(Path.Combine(CredentialsPath, UplinkConnection.PasswordFileName)));
        // The replaced configuration keeps the mode the installer gave it.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(ConfigPath));
        // Keys are case-insensitive: the existing "gateway" section was updated, not doubled.
        var written = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        Assert.Single(written, pair => string.Equals(pair.Key, "Gateway", StringComparison.OrdinalIgnoreCase));

        // Without --password-file the stored password stays.
        var third = await RunAsync("--site", "maple-court", "--gateway", "south-gate", "--broker", "mqtt.platform.example:8883",
            "--ca", secondCa, "--username", "south", "--config", ConfigPath);
        Assert.Equal(0, third.ExitCode);
        Assert.Contains($"password:       unchanged in {Path.Combine(CredentialsPath, UplinkConnection.PasswordFileName)}", third.Output, StringComparison.Ordinal);
        Assert.Equal("second-password\n", File.ReadAllText(Path.Combine(CredentialsPath, UplinkConnection.PasswordFileName)));
    }

    [Fact]
    public async Task A_standalone_box_gets_its_identity_and_secrets_without_a_platform_and_can_join_one_later()
    {
        var standalone = await RunAsync("--site", "maple-court", "--gateway", "north-gate", "--standalone", "--config", ConfigPath, "--credentials-dir", CredentialsPath);

        Assert.Equal(0, standalone.ExitCode);
        Assert.Contains("platform:      none: standalone, events and history stay on this box", standalone.Output, StringComparison.Ordinal);
        var settings = EdgeGateSettings.Load(ConfigPath);
        Assert.Equal(("maple-court", "north-gate"), (settings.Gateway.SiteId, settings.Gateway.GatewayId));
        Assert.False(settings.Uplink.Enabled);
        Assert.False(File.Exists(Path.Combine(directory, "etc", DeviceProvisioning.CaFileName)));
        // The secrets the service may not create itself under its sandbox exist before its first start.
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(CredentialsPath, "template-key")));
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(CredentialsPath, "api-token")));
        var templateKey = File.ReadAllBytes(Path.Combine(CredentialsPath, "template-key"));

        // Joining a platform later switches the uplink on and keeps the box's secrets.
        var ca = WriteInput("ca.pem", CreateCaPem("Platform CA"));
        var joined = await RunAsync("--site", "maple-court", "--gateway", "north-gate", "--broker", "mqtt.platform.example", "--ca", ca, "--config", ConfigPath);
        Assert.Equal(0, joined.ExitCode);
        Assert.True(EdgeGateSettings.Load(ConfigPath).Uplink.Enabled);
        Assert.Equal(templateKey, File.ReadAllBytes(Path.Combine(CredentialsPath, "template-key")));
    }

    public static TheoryData<string, string[], string> BadInputs() => new()
    {
        { "bad site id", ["--site", "maple court"], "Gateway:SiteId: SiteId may hold letters, digits" },
        { "broker as a URL", ["--broker", "mqtts://mqtt.example:8883"], "--broker: 'mqtts://mqtt.example:8883' is a URL; give host[:port]" },
        { "broker port out of range", ["--broker", "mqtt.example:99999"], "--broker: '99999' is not a port (1-65535)" },
        { "broker host invalid", ["--broker", "bad host:8883"], "--broker: 'bad host' is not a host name or IP address" },
        { "CA missing", ["--ca", "{dir}/nowhere.pem"], "--ca: {dir}/nowhere.pem does not exist" },
        { "CA not a certificate", ["--ca", "{dir}/not-a-cert.pem"], "--ca: {dir}/not-a-cert.pem holds no PEM certificate" },
        { "password without user", ["--username", "", "--password-file", "{dir}/password.txt"], "--password-file: needs --username" },
        { "password file missing", ["--password-file", "{dir}/nowhere.txt"], "--password-file: {dir}/nowhere.txt does not exist" },
        { "password on two lines", ["--password-file", "{dir}/two-lines.txt"], "--password-file: {dir}/two-lines.txt must hold the password on one line" },
        { "broken existing config", ["--config", "{dir}/broken.json"], "--config: {dir}/broken.json is not valid JSON" },
        { "existing config invalid elsewhere", ["--config", "{dir}/unknown-section.json"], "Cameraz: unknown section" },
        { "missing required option", ["--site", null!], "--site is required" },
        { "no broker and not standalone", ["--broker", null!], "--broker is required (or --standalone for a box without a platform)" },
        { "standalone with platform options", ["--standalone", "true"], "--standalone means no platform, so --broker, --ca, --username cannot be given with it" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_refused_with_exit_2_and_nothing_changes(string because, string[] overrides, string message)
    {
        var input = Path.Combine(directory, "input");
        WriteInput("ca.pem", CreateCaPem("Platform CA"));
        WriteInput("not-a-cert.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        WriteInput("password.txt", "secret\n");
        WriteInput("two-lines.txt", "secret\nmore\n");
        WriteInput("broken.json", "{ \"Gateway\": { ");
        WriteInput("unknown-section.json", "{ \"Cameraz\": [] }");
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.WriteAllText(ConfigPath, "{ \"Api\": { \"Enabled\": false } }");
        var arguments = new Dictionary<string, string?>
        {
            ["--site"] = "maple-court",
            ["--gateway"] = "north-gate",
            ["--broker"] = "mqtt.example",
            ["--ca"] = Path.Combine(input, "ca.pem"),
            ["--username"] = "north",
            ["--config"] = ConfigPath,
            ["--credentials-dir"] = CredentialsPath,
        };
        for (var i = 0; i < overrides.Length; i += 2)
        {
            arguments[overrides[i]] = overrides[i + 1]?.Replace("{dir}", input, StringComparison.Ordinal);
        }
        var before = Snapshot();

        var (exitCode, _, error) = await RunAsync([.. arguments.Where(pair => pair.Value is not null).SelectMany(pair => new[] { pair.Key, pair.Value! })]);

        Assert.True(exitCode == 2, because);
        Assert.Contains("error: nothing was changed", error, StringComparison.Ordinal);
        Assert.Contains(message.Replace("{dir}", input, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private Task<InProcessCli.Result> RunAsync(params string[] arguments) =>
        InProcessCli.RunAsync([ProvisionCommand.Create()], ["provision", .. arguments], output);

    private string WriteInput(string name, string content)
    {
        var path = Path.Combine(directory, "input", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Every file under the temp folder except the inputs, with its content and mode.</summary>
    private SortedDictionary<string, string> Snapshot()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Directory.GetFileSystemEntries(directory, "*", SearchOption.AllDirectories))
        {
            if (entry.StartsWith(Path.Combine(directory, "input"), StringComparison.Ordinal))
            {
                continue;
            }
            files[entry] = Directory.Exists(entry)
                ? $"folder {File.GetUnixFileMode(entry)}"
                : $"{File.GetUnixFileMode(entry)} {File.ReadAllText(entry)}";
        }
        return files;
    }

    internal static string CreateCaPem(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem() + "\n";
    }
}
