using System.Text.Json;
using EdgeGate.Configuration;
using EdgeGate.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace EdgeGate.Gateway.Tests.Hosting;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCaptureCollection
{
    public const string Name = "Console capture (runs alone: redirects the process's console)";
}

/// <summary>The gateway host logs through Microsoft.Extensions.Logging into Serilog: console lines and a rolling JSON file.</summary>
[Collection(ConsoleCaptureCollection.Name)]
public sealed partial class GatewayLoggingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-logging-").FullName;

    [Fact]
    public async Task An_ILogger_message_reaches_the_console_and_the_rolling_json_file()
    {
        var settings = new EdgeGateSettings
        {
            Gateway = new GatewayOptions
            {
                SiteId = "logging-site",
                GatewayId = "logging-gate",
                DataDirectory = Path.Combine(directory, "data"),
                CredentialsDirectory = Path.Combine(directory, "credentials"),
                LogDirectory = Path.Combine(directory, "logs"),
            },
            Uplink = new UplinkOptions { Enabled = false },
            Api = new ApiOptions { Enabled = false },
        };
        var marker = Guid.NewGuid().ToString("N");
        var standardOutput = new StringWriter();
        var standardError = new StringWriter();
        var (previousOutput, previousError) = (Console.Out, Console.Error);
        Console.SetOut(standardOutput);
        Console.SetError(standardError);
        try
        {
            var app = GatewayHost.Build(settings, consoleLevel: LogEventLevel.Information);
            await using (app)
            {
                var providers = app.Services.GetServices<ILoggerProvider>().ToList();
                Assert.Equal("SerilogLoggerProvider", Assert.Single(providers).GetType().Name);

                var logger = app.Services.GetRequiredService<ILogger<GatewayLoggingTests>>();
                LogCheck(logger, marker);
                LogProblem(logger, marker);
            }
        }
        finally
        {
            Console.SetOut(previousOutput);
            Console.SetError(previousError);
        }

        var category = typeof(GatewayLoggingTests).FullName;
        Assert.Matches($@"\d\d:\d\d:\d\d\.\d\d\d INF {category}: Logging check {marker}", standardOutput.ToString());
        // Warnings and worse go to standard error, where systemd's journal marks them.
        Assert.Matches($@"\d\d:\d\d:\d\d\.\d\d\d WRN {category}: Logging problem {marker}", standardError.ToString());
        Assert.DoesNotContain($"Logging problem {marker}", standardOutput.ToString(), StringComparison.Ordinal);

        var file = Assert.Single(Directory.GetFiles(settings.Gateway.LogDirectory));
        Assert.Matches(@"edgegate-\d{8}\.json$", file);
        var events = File.ReadAllLines(file)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(element => element.TryGetProperty("Marker", out var value) && value.GetString() == marker)
            .ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal("Logging check {Marker}", events[0].GetProperty("@mt").GetString());
        Assert.Equal(category, events[0].GetProperty("SourceContext").GetString());
        Assert.Equal(9901, events[0].GetProperty("EventId").GetProperty("Id").GetInt32());
        Assert.Equal("Warning", events[1].GetProperty("@l").GetString());
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [LoggerMessage(EventId = 9901, Level = LogLevel.Information, Message = "Logging check {Marker}")]
    private static partial void LogCheck(ILogger logger, string marker);

    [LoggerMessage(EventId = 9902, Level = LogLevel.Warning, Message = "Logging problem {Marker}")]
    private static partial void LogProblem(ILogger logger, string marker);
}
