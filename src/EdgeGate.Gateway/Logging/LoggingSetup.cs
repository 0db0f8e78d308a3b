using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace EdgeGate.Gateway.Logging;

/// <summary>
/// Serilog as the Microsoft.Extensions.Logging provider: human-readable console lines and a rolling
/// JSON file (one event per line) for support and log shipping.
/// </summary>
internal static class LoggingSetup
{
    public const string ConsoleTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext:l}: {Message:lj}{NewLine}{Exception}";

    public static Serilog.ILogger CreateSerilogLogger(string? logDirectory, LogEventLevel minimumLevel, bool console = true, LogEventLevel consoleLevel = LogEventLevel.Verbose)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext();
        if (console)
        {
            configuration = configuration.WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Warning, restrictedToMinimumLevel: consoleLevel);
        }
        if (!string.IsNullOrEmpty(logDirectory))
        {
            Directory.CreateDirectory(logDirectory);
            configuration = configuration.WriteTo.File(
                new CompactJsonFormatter(),
                Path.Combine(logDirectory, "edgegate-.json"),
                rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: 20 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 14,
                flushToDiskInterval: TimeSpan.FromSeconds(2));
        }
        return configuration.CreateLogger();
    }

    /// <summary>A logger factory for CLI commands that run without the host.</summary>
    public static ILoggerFactory CreateFactory(string? logDirectory = null, LogEventLevel minimumLevel = LogEventLevel.Information) =>
        LoggerFactory.Create(builder => builder.AddSerilog(CreateSerilogLogger(logDirectory, minimumLevel), dispose: true));
}
