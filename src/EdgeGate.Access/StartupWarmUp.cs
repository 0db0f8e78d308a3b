using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// The warm-up the gateway does before it reports ready (systemd READY=1, and the host's start
/// completing): every face model runs once, the database's read and write paths are exercised,
/// each door's line is opened and its device asked for its state once. Each loop warms what it
/// owns at its own start and reports here, so the first resident after a start is served as fast as
/// the next one. A part that fails is logged and counts as done: a gate whose relay board is
/// unplugged still reads cards and serves its other doors; the failure repeats on first use.
/// </summary>
public sealed partial class StartupWarmUp
{
    /// <summary>A part still warming after this is reported and no longer waited for.</summary>
    public static readonly TimeSpan MaximumWait = TimeSpan.FromSeconds(30);

    /// <summary>The recognition loop's part: every face model runs once.</summary>
    public const string Recognition = "recognition";

    /// <summary>The decision stage's part: stored passages restored, the database read and written once, a decision rehearsed.</summary>
    public const string Decisions = "decisions";

    /// <summary>A door's part: its line opened and its device asked for its state.</summary>
    public static string Door(string doorName) => $"door {doorName}";

    /// <summary>The parts of a gateway with these doors.</summary>
    public static IEnumerable<string> PartsFor(IEnumerable<string> doorNames) => [Recognition, Decisions, .. doorNames.Select(Door)];

    private readonly Dictionary<string, TaskCompletionSource> parts;
    private readonly ILogger<StartupWarmUp> logger;

    /// <param name="parts">Every part that will report (names as logged, e.g. "recognition", "door main-gate").</param>
    public StartupWarmUp(IEnumerable<string> parts, ILogger<StartupWarmUp> logger)
    {
        ArgumentNullException.ThrowIfNull(parts);
        this.logger = logger;
        this.parts = parts.Distinct(StringComparer.Ordinal).ToDictionary(
            part => part, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), StringComparer.Ordinal);
        Completed = Task.WhenAll(this.parts.Values.Select(part => part.Task));
    }

    /// <summary>Completes when every part has warmed up (or failed trying).</summary>
    public Task Completed { get; }

    /// <summary>Runs one part's warm-up, logs how long it took (or why it failed) and marks it done.</summary>
    public async Task RunAsync(string part, Func<CancellationToken, Task<string>> warmUp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(warmUp);
        if (!parts.TryGetValue(part, out var done))
        {
            throw new ArgumentException($"warm-up part '{part}' was not declared", nameof(part));
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            var detail = await warmUp(cancellationToken).ConfigureAwait(false);
            LogWarmedUp(part, Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWarmUpFailed(exception, part, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>Waits for every part, at most <see cref="MaximumWait"/>; names the ones still warming when it gives up.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Completed.WaitAsync(MaximumWait, cancellationToken).ConfigureAwait(false);
            LogReady(parts.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (TimeoutException)
        {
            var late = parts.Where(part => !part.Value.Task.IsCompleted).Select(part => part.Key).Order(StringComparer.Ordinal);
            LogStillWarming(MaximumWait.TotalSeconds, string.Join(", ", late));
        }
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Warm-up: {Part} ready in {Milliseconds:F0} ms ({Detail})")]
    private partial void LogWarmedUp(string part, double milliseconds, string detail);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Warm-up: {Part} failed after {Milliseconds:F0} ms; it is tried again on first use")]
    private partial void LogWarmUpFailed(Exception exception, string part, double milliseconds);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "Warm-up: {Parts} part(s) done, {Milliseconds:F0} ms after the host started them: reporting ready")]
    private partial void LogReady(int parts, double milliseconds);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Warm-up: still warming after {Seconds:F0} s: {Parts}; reporting ready without them")]
    private partial void LogStillWarming(double seconds, string parts);
}

/// <summary>
/// Registered after every other hosted service: the host's start (and so <c>edgegate run</c>'s
/// READY=1) completes only once <see cref="StartupWarmUp"/> is done.
/// </summary>
public sealed class StartupWarmUpGate(StartupWarmUp warmUp) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => warmUp.WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
