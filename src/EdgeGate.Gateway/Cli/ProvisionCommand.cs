using System.CommandLine;
using System.Globalization;
using EdgeGate.Api;
using EdgeGate.Gateway.Provisioning;
using EdgeGate.Storage;

namespace EdgeGate.Gateway.Cli;

/// <summary>
/// <c>edgegate provision</c>: the installer gives the box its identity and its platform connection
/// (or, with <c>--standalone</c>, its identity alone: no platform, events stay on the box), and the
/// secrets the service needs. Bad input is refused (exit 2) before anything is written.
/// </summary>
internal static class ProvisionCommand
{
    public static Command Create()
    {
        var site = new Option<string>("--site") { Description = "Site (compound) id, as the platform knows it (required)" };
        var gateway = new Option<string>("--gateway") { Description = "This gateway's id within the site (required)" };
        var broker = new Option<string>("--broker") { Description = $"Platform MQTT broker: host[:port] (default port {DeviceProvisioning.DefaultBrokerPort}; required unless --standalone)" };
        var ca = new Option<FileInfo>("--ca") { Description = $"PEM file of the CA that signed the broker's certificate (copied next to the configuration as {DeviceProvisioning.CaFileName}; required unless --standalone)" };
        var standalone = new Option<bool>("--standalone") { Description = "No platform: the uplink is switched off and events and history stay on this box (no --broker, --ca, --username or --password-file)" };
        var username = new Option<string?>("--username") { Description = "Broker user name of this device" };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "File holding the broker password on one line (stored 0600 in the credentials directory)" };
        var config = CliEnvironment.ConfigOption();
        config.Description += "; created when absent, other sections kept when present";
        var credentials = new Option<DirectoryInfo?>("--credentials-dir") { Description = "Credentials directory (0700) for the password (default: the configuration's Gateway:CredentialsDirectory)" };
        var command = new Command("provision", "Write this gateway's identity, broker, CA and credentials into its configuration")
        {
            site, gateway, broker, ca, standalone, username, passwordFile, config, credentials,
        };
        command.SetAction(parseResult =>
        {
            var output = CliEnvironment.Output(parseResult);
            var error = CliEnvironment.Error(parseResult);
            // Checked here rather than by the parser, so a missing option is a usage error (exit 2) like any other.
            var isStandalone = parseResult.GetValue(standalone);
            Option[] platformOptions = [broker, ca, username, passwordFile];
            if (isStandalone && platformOptions.Where(option => parseResult.GetResult(option) is not null).Select(option => option.Name).ToList() is { Count: > 0 } extra)
            {
                error.WriteLine($"error: nothing was changed: --standalone means no platform, so {string.Join(", ", extra)} cannot be given with it");
                return ExitCodes.Usage;
            }
            Option[] required = isStandalone ? [site, gateway] : [site, gateway, broker, ca];
            var missing = required.Where(option => parseResult.GetResult(option) is null).Select(option => option.Name).ToList();
            if (missing.Count > 0)
            {
                var orStandalone = isStandalone ? "" : " (or --standalone for a box without a platform)";
                error.WriteLine($"error: nothing was changed: {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} required{orStandalone}");
                return ExitCodes.Usage;
            }
            var request = new ProvisionRequest(
                parseResult.GetValue(site)!,
                parseResult.GetValue(gateway)!,
                isStandalone ? null : parseResult.GetValue(broker)!,
                isStandalone ? null : parseResult.GetValue(ca)!.FullName,
                NullIfEmpty(parseResult.GetValue(username)),
                parseResult.GetValue(passwordFile)?.FullName,
                CliEnvironment.ConfigPath(parseResult, config),
                parseResult.GetValue(credentials)?.FullName);

            ProvisioningPlan plan;
            try
            {
                plan = DeviceProvisioning.Prepare(request);
            }
            catch (ProvisioningException exception)
            {
                error.WriteLine("error: nothing was changed:");
                foreach (var problem in exception.Problems)
                {
                    error.WriteLine($"  {problem}");
                }
                return ExitCodes.Usage;
            }

            var templateKeyExisted = File.Exists(plan.TemplateKeyPath);
            var apiTokenExisted = File.Exists(plan.ApiTokenPath);
            try
            {
                DeviceProvisioning.Apply(plan);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CredentialFileException or ApiTokenException)
            {
                error.WriteLine($"error: cannot write the provisioning files: {exception.Message}");
                return ExitCodes.Unavailable;
            }

            var uplink = plan.Settings.Uplink;
            var password = request.PasswordFile is not null
                ? $"stored in {plan.PasswordPath}"
                : File.Exists(plan.PasswordPath) ? $"unchanged in {plan.PasswordPath}" : "none";
            output.WriteLine($"provisioned gateway {plan.Settings.Gateway.GatewayId} of site {plan.Settings.Gateway.SiteId}");
            var secrets = new (string, string)[]
            {
                ("template key", $"{plan.TemplateKeyPath} ({(templateKeyExisted ? "kept" : "created")})"),
                ("API token", $"{plan.ApiTokenPath} ({(apiTokenExisted ? "kept" : "created")})"),
            };
            var configuration = ("configuration", $"{plan.ConfigPath} ({(plan.ConfigExists ? "updated" : "created")})");
            if (plan.CaPath is null)
            {
                CliEnvironment.WriteFields(output, [configuration, ("platform", "none: standalone, events and history stay on this box"), .. secrets]);
                output.WriteLine($"check the box with: edgegate doctor --config {plan.ConfigPath}");
                return ExitCodes.Success;
            }
            CliEnvironment.WriteFields(output,
            [
                configuration,
                ("broker", string.Create(CultureInfo.InvariantCulture, $"{(uplink.Host.Contains(':', StringComparison.Ordinal) ? $"[{uplink.Host}]" : uplink.Host)}:{uplink.Port} (TLS)")),
                ("CA certificate", plan.CaPath),
                ("user", uplink.Username.Length > 0 ? uplink.Username : "none"),
                ("password", uplink.Username.Length > 0 ? password : "none"),
                .. secrets,
            ]);
            output.WriteLine($"check the connection with: edgegate doctor --config {plan.ConfigPath}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
