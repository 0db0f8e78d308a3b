using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>Keeps every log line (level, event id, formatted message, category, exception) for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message, string Category, Exception? Exception)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Lines at <see cref="LogLevel.Error"/> or worse, one string each (for failure messages).</summary>
    public IReadOnlyList<string> Errors() =>
        Lines.Where(line => line.Level >= LogLevel.Error).Select(line => $"{line.Level} {line.Category} {line.EventId}: {line.Message} {line.Exception}").ToList();

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((logLevel, eventId.Id, formatter(state, exception), category, exception));
    }
}
