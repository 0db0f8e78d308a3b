using EdgeGate.Core;
using EdgeGate.Core.Access;
using EdgeGate.Devices.Readers;
using EdgeGate.Devices.Serial;
using EdgeGate.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// One card reader's loop: opens its serial device, turns every card read into an access attempt
/// for the reader's door, and reopens the device when it is missing or goes away (unplugged), with
/// a capped, growing, jittered pause (<see cref="Pacing"/> through a <see cref="RetryPipeline"/>).
/// It never stops the gateway: a missing reader is a log line, and the door still opens by face and
/// remote unlock.
/// </summary>
public sealed partial class CardReaderService(
    ReaderOptions options,
    AccessAttemptQueue attempts,
    TimeProvider timeProvider,
    ILogger<CardReaderService> logger) : BackgroundService
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaximumRetryDelay = TimeSpan.FromSeconds(30);

    private long cardsRead;
    private long linesRejected;
    private long openFailures;

    public string ReaderName => options.Name;

    public long CardsRead => Interlocked.Read(ref cardsRead);

    public long LinesRejected => Interlocked.Read(ref linesRejected);

    public long OpenFailures => Interlocked.Read(ref openFailures);

    /// <summary>The pauses between open attempts: <see cref="FirstRetryDelay"/> doubling up to <see cref="MaximumRetryDelay"/>, jittered.</summary>
    public static readonly RetryPacing Pacing = RetryPacing.Doubling(FirstRetryDelay, MaximumRetryDelay);

    /// <summary>
    /// The longest pause before the next open attempt after <paramref name="failures"/> consecutive failures
    /// (the actual one is jittered down by up to half, see <see cref="Pacing"/>).
    /// </summary>
    public static TimeSpan RetryDelay(int failures) => Pacing.Longest(Math.Max(failures, 1), TimeSpan.Zero);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // A missing or unplugged device (IOException) is opened again after a pause and a log line;
        // anything else ends the loop as a fault.
        var opening = RetryPipeline.Create<SerialPortStream>(
            Pacing,
            timeProvider,
            isTransient: outcome => outcome.Exception is IOException,
            onRetry: arguments =>
            {
                Interlocked.Increment(ref openFailures);
                LogCannotOpen(logger, options.Name, options.Port, arguments.Outcome.Exception?.Message ?? "", arguments.RetryDelay.TotalSeconds);
                return default;
            });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var port = await opening.ExecuteAsync(
                    static (reader, _) => ValueTask.FromResult(SerialPortStream.Open(reader.Port, reader.BaudRate)),
                    options,
                    stoppingToken).ConfigureAwait(false);
                LogOpened(logger, options.Name, options.Port, options.Format, options.Door);
                using (port)
                {
                    try
                    {
                        await ReadCardsAsync(port, stoppingToken).ConfigureAwait(false);
                        LogLineClosed(logger, options.Name, options.Port, "the device hung up");
                    }
                    catch (IOException exception)
                    {
                        LogLineClosed(logger, options.Name, options.Port, exception.Message);
                    }
                }
                // A device that hangs up as soon as it is opened is not reopened in a hot loop.
                await Task.Delay(Pacing.Delay(1, TimeSpan.Zero, Random.Shared.NextDouble()), timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (stoppingToken.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            // Shutdown (an open failing as the gateway stops is not retried then).
        }
    }

    private async Task ReadCardsAsync(Stream port, CancellationToken cancellationToken)
    {
        var results = options.Format == CardReaderFormat.Wiegand26
            ? new WiegandLineCardReader(port, timeProvider).ReadAsync(cancellationToken)
            : new AsciiLineCardReader(port, timeProvider: timeProvider).ReadAsync(cancellationToken);
        await foreach (var result in results.ConfigureAwait(false))
        {
            if (result.Card is { } card)
            {
                Interlocked.Increment(ref cardsRead);
                LogCard(logger, options.Name, card.Format);
                await attempts.SubmitAsync(
                    AccessAttempt.ForCard(card.Uid, options.Name, options.Door, card.ReadAt), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Interlocked.Increment(ref linesRejected);
                LogRejected(logger, options.Name, result.RejectionReason ?? "not a card number");
            }
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Card reader {Reader}: cannot open {Port}: {Reason}; retrying in {Seconds:0} s")]
    private static partial void LogCannotOpen(ILogger logger, string reader, string port, string reason, double seconds);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Card reader {Reader}: reading {Port} ({Format}) for door {Door}")]
    private static partial void LogOpened(ILogger logger, string reader, string port, CardReaderFormat format, string door);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Card reader {Reader}: {Port} closed ({Reason}); reopening")]
    private static partial void LogLineClosed(ILogger logger, string reader, string port, string reason);

    // The card number itself is not logged: the journal holds it with the decision.
    [LoggerMessage(EventId = 3304, Level = LogLevel.Debug, Message = "Card reader {Reader}: card read ({Format})")]
    private static partial void LogCard(ILogger logger, string reader, CardFormat format);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Warning, Message = "Card reader {Reader}: line ignored: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reader, string reason);
}
