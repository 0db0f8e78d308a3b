using System.CommandLine;
using EdgeGate.Gateway.Configuration;
using EdgeGate.Gateway.Hosting;

namespace EdgeGate.Gateway.Cli;

/// <summary><c>edgegate run</c>: the gateway service (what systemd starts).</summary>
internal static class RunCommand
{
    public const string DefaultConfigurationPath = "/etc/edgegate/edgegate.json";

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
            EdgeGateSettings settings;
            try
            {
                settings = EdgeGateSettings.Load(file.FullName);
            }
            catch (ConfigurationException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return 2;
            }
            await using var app = GatewayHost.Build(settings, configurationPath: file.FullName);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
