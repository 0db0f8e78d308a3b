using System.CommandLine;
using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Gateway.Hosting;
using EdgeGate.Storage;
using Microsoft.Extensions.Configuration;

namespace EdgeGate.Gateway.Cli;

/// <summary><c>edgegate run</c>: the gateway service (what systemd starts).</summary>
internal static class RunCommand
{
    public const string DefaultConfigurationPath = "/etc/edgegate/edgegate.json";

    /// <summary>
    /// The service cannot start as installed (configuration, secrets or database files): EX_CONFIG
    /// of sysexits.h. The systemd unit lists it in <c>RestartPreventExitStatus</c>: restarting would
    /// only repeat the same failure every two seconds and bury its one log line.
    /// </summary>
    public const int CannotStartExitCode = 78;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = $"Gateway configuration (default {DefaultConfigurationPath}, or EDGEGATE_CONFIG)",
            DefaultValueFactory = _ => new FileInfo(Environment.GetEnvironmentVariable("EDGEGATE_CONFIG") is { Length: > 0 } path ? path : DefaultConfigurationPath),
        };
        var command = new Command("run", "Run the gateway: cameras, recognition, decisions, doors, readers, uplink and the admin API") { config };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var file = parseResult.GetRequiredValue(config);
            // Checked before the host is built: its services (one per camera, door and reader), the
            // API's address and the credentials it opens all follow from the configuration.
            IConfiguration configuration;
            EdgeGateSettings settings;
            try
            {
                configuration = EdgeGateSettings.ReadConfiguration(file.FullName);
                settings = EdgeGateSettings.FromConfiguration(configuration);
            }
            catch (ConfigurationException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return CannotStartExitCode;
            }
            if (CheckFiles(settings) is { } problem)
            {
                await Console.Error.WriteLineAsync($"edgegate run: cannot start: {problem}");
                return CannotStartExitCode;
            }
            await using var app = GatewayHost.Build(settings, configurationPath: file.FullName, configuration: configuration);
            try
            {
                await app.RunAsync();
            }
            catch (Exception exception) when (EdgeGateOptions.Problems(exception) is { } problems)
            {
                // Options validated at the host's start (the sections, checked above already, and any
                // the host's own parts validate): one plain message and the code systemd does not
                // restart on, not an unhandled exception restarted every two seconds.
                await Console.Error.WriteLineAsync(new ConfigurationException(problems).Message);
                return CannotStartExitCode;
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Opens what the service reads and writes at start before anything runs: the template key and
    /// the database (created on first start where the service may write), and the API token. Under
    /// the unit's sandbox the credentials directory is read-only; a secret missing there is one
    /// clear line here rather than an exception deep in the host. Returns the problem, or null.
    /// </summary>
    private static string? CheckFiles(EdgeGateSettings settings)
    {
        try
        {
            using (GatewayDatabase.Open(settings))
            {
            }
            if (settings.Api.Enabled)
            {
                ApiTokenStore.LoadOrCreate(AdminApiExtensions.CredentialsDirectory(settings));
            }
            return null;
        }
        catch (Exception exception) when (exception is StorageException or ApiTokenException or IOException or UnauthorizedAccessException)
        {
            return exception.Message;
        }
    }
}
