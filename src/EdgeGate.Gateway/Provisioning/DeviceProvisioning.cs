using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Uplink;
using EdgeGate.Storage.Privacy;

namespace EdgeGate.Gateway.Provisioning;

/// <summary>What <c>edgegate provision</c> was asked to write.</summary>
/// <param name="Broker"><c>host</c>, <c>host:port</c> or <c>[ipv6]:port</c>; null for a standalone box (no platform: the uplink is switched off).</param>
/// <param name="CaFile">The platform's CA certificate; null exactly when <paramref name="Broker"/> is.</param>
/// <param name="CredentialsDirectory">Where the password goes; null = the configuration's Gateway:CredentialsDirectory.</param>
public sealed record ProvisionRequest(
    string SiteId,
    string GatewayId,
    string? Broker,
    string? CaFile,
    string? Username,
    string? PasswordFile,
    string ConfigPath,
    string? CredentialsDirectory);

/// <summary>The input cannot be used; nothing was changed. Each problem names the option or key it is about.</summary>
public sealed class ProvisioningException(IReadOnlyList<string> problems)
    : Exception("cannot provision:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Everything checked and ready to write: the new configuration text and the files that go with it.</summary>
public sealed class ProvisioningPlan
{
    internal ProvisioningPlan(
        EdgeGateSettings settings,
        string configPath,
        bool configExists,
        string configText,
        string? caPath,
        byte[]? caCertificate,
        string credentialsDirectory,
        string? password)
    {
        Settings = settings;
        ConfigPath = configPath;
        ConfigExists = configExists;
        ConfigText = configText;
        CaPath = caPath;
        CaCertificate = caCertificate;
        CredentialsDirectory = credentialsDirectory;
        Password = password;
    }

    /// <summary>The configuration as it will be, validated.</summary>
    public EdgeGateSettings Settings { get; }

    public string ConfigPath { get; }

    /// <summary>True when an existing configuration is updated (its other sections are kept).</summary>
    public bool ConfigExists { get; }

    internal string ConfigText { get; }

    /// <summary>Where the platform's CA certificate is copied: next to the configuration (null: standalone, no platform).</summary>
    public string? CaPath { get; }

    internal byte[]? CaCertificate { get; }

    public string CredentialsDirectory { get; }

    /// <summary>The password file the uplink reads (<see cref="UplinkConnection.PasswordFileName"/>).</summary>
    public string PasswordPath => Path.Combine(CredentialsDirectory, UplinkConnection.PasswordFileName);

    /// <summary>The key the face templates are encrypted with.</summary>
    public string TemplateKeyPath => Path.Combine(CredentialsDirectory, TemplateKeyStore.KeyFileName);

    /// <summary>The local API's bearer token.</summary>
    public string ApiTokenPath => ApiTokenStore.PathIn(CredentialsDirectory);

    /// <summary>The new password, or null when the stored one (if any) stays.</summary>
    internal string? Password { get; }
}

/// <summary>
/// Gives a gateway its identity and its platform connection: site and gateway id, broker, CA and
/// per-device credentials, in the JSON configuration (other sections are kept), the CA file next
/// to it and the password in the credentials directory, where the uplink reads it. It also creates
/// the box's own secrets there when absent (the template key and the API token): the service may
/// not write the credentials directory (the unit keeps /etc read-only), so they must exist before
/// its first start. Run as root, every file it writes there goes to the folder's owner, the
/// service user (install.sh gives it the folder).
/// <see cref="Prepare"/> checks everything and changes nothing; <see cref="Apply"/> writes each file
/// atomically (a power cut leaves the old file or the new one, never half of one), the
/// configuration last.
/// </summary>
public static class DeviceProvisioning
{
    /// <summary>File name of the platform CA, next to the configuration.</summary>
    public const string CaFileName = "platform-ca.pem";

    /// <summary>The MQTT over TLS port, used when the broker is given without one.</summary>
    public const int DefaultBrokerPort = 8883;

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PublicFile = ConfigurationFile.NewFileMode;

    /// <summary>Checks the request against the files it names and computes the new configuration.</summary>
    /// <exception cref="ProvisioningException">Anything is wrong; every problem is listed.</exception>
    public static ProvisioningPlan Prepare(ProvisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        var configPath = Path.GetFullPath(request.ConfigPath);

        var standalone = request.Broker is null;
        if ((request.CaFile is null) != standalone)
        {
            throw new ArgumentException("a broker and its CA go together; neither for a standalone box", nameof(request));
        }
        var host = "";
        var port = DefaultBrokerPort;
        if (!standalone && !TryParseBroker(request.Broker!, out host, out port, out var brokerProblem))
        {
            problems.Add($"--broker: {brokerProblem}");
        }
        var caCertificate = standalone ? null : ReadCaCertificate(request.CaFile!, problems);
        var password = ReadPassword(request, problems);
        var configuration = ConfigurationFile.Read(configPath, problems);
        if (problems.Count > 0)
        {
            throw new ProvisioningException(problems);
        }

        var caPath = standalone ? null : Path.Combine(Path.GetDirectoryName(configPath)!, CaFileName);
        var gateway = ConfigurationFile.Section(configuration!, GatewayOptions.SectionName);
        ConfigurationFile.Set(gateway, nameof(GatewayOptions.SiteId), request.SiteId);
        ConfigurationFile.Set(gateway, nameof(GatewayOptions.GatewayId), request.GatewayId);
        if (request.CredentialsDirectory is { } credentials)
        {
            ConfigurationFile.Set(gateway, nameof(GatewayOptions.CredentialsDirectory), Path.GetFullPath(credentials));
        }
        var uplink = ConfigurationFile.Section(configuration!, UplinkOptions.SectionName);
        // A standalone box keeps its events and history on the box; the rest of the section stays for a later provisioning.
        ConfigurationFile.Set(uplink, nameof(UplinkOptions.Enabled), !standalone);
        if (!standalone)
        {
            ConfigurationFile.Set(uplink, nameof(UplinkOptions.Host), host);
            ConfigurationFile.Set(uplink, nameof(UplinkOptions.Port), port);
            ConfigurationFile.Set(uplink, nameof(UplinkOptions.CaFile), caPath!);
            // Every run states the whole identity: without --username the broker is reached without one.
            ConfigurationFile.Set(uplink, nameof(UplinkOptions.Username), request.Username ?? "");
        }

        var configText = ConfigurationFile.ToText(configuration!);
        EdgeGateSettings settings;
        try
        {
            settings = ConfigurationFile.Validate(configText);
        }
        catch (ConfigurationException exception)
        {
            throw new ProvisioningException([$"the configuration {configPath} would not be valid:", .. exception.Errors.Select(error => "  " + error)]);
        }

        var credentialsDirectory = Path.GetFullPath(settings.Gateway.CredentialsDirectory);
        if (File.Exists(credentialsDirectory))
        {
            throw new ProvisioningException([$"the credentials directory {credentialsDirectory} is a file"]);
        }
        return new ProvisioningPlan(settings, configPath, File.Exists(configPath), configText, caPath, caCertificate, credentialsDirectory, password);
    }

    /// <summary>
    /// Writes the CA (unless standalone), the password (when given), the template key and the API token (when absent)
    /// and the configuration, in that order.
    /// </summary>
    /// <exception cref="IOException">A file cannot be written (the message names it).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write a file.</exception>
    /// <exception cref="EdgeGate.Storage.CredentialFileException">A secret cannot be written.</exception>
    /// <exception cref="ApiTokenException">The API token cannot be written.</exception>
    public static void Apply(ProvisioningPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var configDirectory = Path.GetDirectoryName(plan.ConfigPath)!;
        Directory.CreateDirectory(configDirectory);

        if (plan.CaPath is not null)
        {
            ConfigurationFile.WriteAtomically(plan.CaPath, plan.CaCertificate!, PublicFile, ownerReference: null);
        }

        if (!Directory.Exists(plan.CredentialsDirectory))
        {
            Directory.CreateDirectory(plan.CredentialsDirectory, PrivateDirectory);
        }
        // Secrets only in a folder nobody else can list.
        File.SetUnixFileMode(plan.CredentialsDirectory, PrivateDirectory);
        if (plan.Password is { } password)
        {
            // Written the way the uplink reads it (0600, atomically) and given to whoever owns the folder.
            CredentialFile.WriteText(plan.CredentialsDirectory, UplinkConnection.PasswordFileName, password, overwrite: true);
        }
        // The secrets the service would otherwise create on its first start, where it may not write.
        TemplateKeyStore.LoadOrCreate(plan.CredentialsDirectory).Dispose();
        ApiTokenStore.LoadOrCreate(plan.CredentialsDirectory);

        // A replaced configuration keeps its mode and owner (install.sh makes it 0640, group edgegate);
        // a new one holds no secret and must be readable by the service.
        ConfigurationFile.Write(plan.ConfigPath, plan.ConfigText);
    }

    /// <summary>Parses <c>host</c>, <c>host:port</c> or <c>[ipv6]:port</c>; the port defaults to 8883.</summary>
    public static bool TryParseBroker(string text, out string host, out int port, out string? problem)
    {
        host = "";
        port = DefaultBrokerPort;
        problem = null;
        text = text.Trim();
        string? portText = null;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            problem = $"'{text}' is a URL; give host[:port], e.g. mqtt.example.com:8883";
            return false;
        }
        if (text.StartsWith('['))
        {
            var end = text.IndexOf(']', StringComparison.Ordinal);
            if (end < 0 || (end + 1 < text.Length && text[end + 1] != ':'))
            {
                problem = $"'{text}' is not [ipv6-address]:port";
                return false;
            }
            host = text[1..end];
            portText = end + 1 < text.Length ? text[(end + 2)..] : null;
        }
        else if (text.Count(character => character == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            portText = text[(colon + 1)..];
        }
        else
        {
            host = text;
        }
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            problem = $"'{host}' is not a host name or IP address";
            return false;
        }
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            problem = $"'{portText}' is not a port (1-65535)";
            return false;
        }
        return true;
    }

    private static byte[]? ReadCaCertificate(string path, List<string> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add($"--ca: {path} does not exist");
            return null;
        }
        try
        {
            var bytes = File.ReadAllBytes(path);
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(Encoding.ASCII.GetString(bytes));
            if (certificates.Count == 0)
            {
                problems.Add($"--ca: {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
                return null;
            }
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
            return bytes;
        }
        catch (CryptographicException exception)
        {
            problems.Add($"--ca: {path} is not a readable PEM certificate: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add($"--ca: cannot read {path}: {exception.Message}");
        }
        return null;
    }

    private static string? ReadPassword(ProvisionRequest request, List<string> problems)
    {
        if (request.PasswordFile is not { } path)
        {
            return null;
        }
        if (string.IsNullOrEmpty(request.Username))
        {
            problems.Add("--password-file: needs --username (the broker checks a password together with a user name)");
        }
        if (!File.Exists(path))
        {
            problems.Add($"--password-file: {path} does not exist");
            return null;
        }
        try
        {
            var password = File.ReadAllText(path).TrimEnd('\r', '\n');
            if (password.Length == 0)
            {
                problems.Add($"--password-file: {path} is empty");
                return null;
            }
            if (password.Contains('\n', StringComparison.Ordinal) || password.Contains('\r', StringComparison.Ordinal))
            {
                problems.Add($"--password-file: {path} must hold the password on one line");
                return null;
            }
            return password;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problems.Add($"--password-file: cannot read {path}: {exception.Message}");
            return null;
        }
    }
}
