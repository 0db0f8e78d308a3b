using EdgeGate.Core;
using EdgeGate.Core.Access;
using EdgeGate.Core.Doors;
using EdgeGate.Configuration;
using EdgeGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// One door's input loop, for a relay board door with a door contact or exit button on the board's
/// discrete inputs: reads them every <see cref="ModbusRtuDoorOptions.InputPollInterval"/> through the
/// door's driver and gives the readings to a <see cref="DoorInputMonitor"/>. An exit button press
/// becomes an exit attempt for the decision stage (always granted: egress); a door forced open or
/// held open is journaled on the alert lane (<c>door_alarm</c>) and its clearing on the event lane.
/// Failed readings are logged once and retried after a growing, jittered pause (<see cref="Pacing"/>
/// through a <see cref="RetryPipeline"/>; at most <see cref="MaximumRetryDelay"/>, short because the
/// exit button depends on them).
/// </summary>
public sealed partial class DoorInputService(
    DoorOptions door,
    DoorDrivers drivers,
    DoorReleases releases,
    AccessAttemptQueue attempts,
    EdgeGateDatabase database,
    DecisionFeed feed,
    TimeProvider timeProvider,
    ILogger<DoorInputService> logger) : BackgroundService
{
    public static readonly TimeSpan MaximumRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ModbusRtuDoorOptions modbus = door.ModbusRtu
        ?? throw new ArgumentException($"door '{door.Name}' has no relay board inputs", nameof(door));

    private long readings;
    private long failedReadings;

    /// <summary>True when <paramref name="options"/> has inputs this service reads.</summary>
    public static bool Watches(DoorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind == DoorKind.ModbusRtu
            && options.ModbusRtu is { } inputs
            && (inputs.DoorSensorInput is not null || inputs.ExitButtonInput is not null);
    }

    public string DoorName => door.Name;

    public long Readings => Interlocked.Read(ref readings);

    public long FailedReadings => Interlocked.Read(ref failedReadings);

    /// <summary>
    /// The pauses after failed readings: twice the poll interval, doubling up to <see cref="MaximumRetryDelay"/>,
    /// each jittered to between half and all of it.
    /// </summary>
    public RetryPacing Pacing => RetryPacing.Doubling(
        modbus.InputPollInterval * 2 < MaximumRetryDelay ? modbus.InputPollInterval * 2 : MaximumRetryDelay, MaximumRetryDelay);

    /// <summary>The longest pause after <paramref name="failures"/> failed readings in a row (the actual one is jittered down by up to half).</summary>
    public TimeSpan RetryDelay(int failures) => Pacing.Longest(Math.Max(failures, 1), TimeSpan.Zero);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var monitor = new DoorInputMonitor(new DoorInputMonitorOptions
        {
            HeldOpenAfter = door.HeldOpenAfter,
            // Egress is always granted: a door pushed open right after the press, before the
            // decision has driven the relay, is not forced.
            ExitButtonRelease = door.PulseLength,
        });
        var failures = 0;
        // A failed reading (no answer, a transport error) is read again after a pause; a driver
        // that reads no inputs at all is not.
        var reading = RetryPipeline.Create<DoorInputsReading>(
            Pacing,
            timeProvider,
            isTransient: outcome => outcome.Result is { Inputs: null, Outcome: not DoorCommandOutcome.NotSupported },
            onRetry: arguments =>
            {
                failures++;
                Interlocked.Increment(ref failedReadings);
                if (failures == 1)
                {
                    LogReadFailed(logger, door.Name, arguments.Outcome.Result!.Outcome.Describe());
                }
                return default;
            });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = await reading.ExecuteAsync(
                    static (service, token) => new ValueTask<DoorInputsReading>(service.ReadAsync(token)), this, stoppingToken).ConfigureAwait(false);
                if (result.Inputs is not { } inputs)
                {
                    if (result.Outcome is DoorCommandOutcome.NotSupported notSupported)
                    {
                        LogNotSupported(logger, door.Name, notSupported.What);
                        return;
                    }
                    // Stopping while the readings failed.
                    continue;
                }

                if (failures > 0)
                {
                    LogReadable(logger, door.Name, failures);
                    failures = 0;
                }
                Interlocked.Increment(ref readings);
                var at = timeProvider.GetUtcNow();
                foreach (var change in monitor.Observe(inputs, at, releases.For(door.Name)))
                {
                    await HandleAsync(change, stoppingToken).ConfigureAwait(false);
                }
                await Task.Delay(modbus.InputPollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task<DoorInputsReading> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await drivers.For(door.Name).ReadInputsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return DoorInputsReading.Failed(new DoorCommandOutcome.TransportError(exception.Message));
        }
    }

    private async Task HandleAsync(DoorInputEvent change, CancellationToken cancellationToken)
    {
        switch (change)
        {
            case DoorInputEvent.ExitButtonPressed pressed:
                LogExitButton(logger, door.Name);
                await attempts.SubmitAsync(
                    AccessAttempt.ForExitButton($"discrete input {modbus.ExitButtonInput}", door.Name, pressed.At),
                    cancellationToken).ConfigureAwait(false);
                break;

            case DoorInputEvent.AlarmRaised or DoorInputEvent.AlarmCleared:
                long? seq = null;
                try
                {
                    seq = await database.Journal.AppendAsync(AccessJournal.DoorAlarmDraft(door.Name, change), CancellationToken.None).ConfigureAwait(false);
                }
                catch (StorageException exception)
                {
                    LogJournalFailed(logger, exception, door.Name);
                }
                if (change is DoorInputEvent.AlarmRaised raised)
                {
                    LogAlarmRaised(logger, door.Name, AccessJournal.AlarmName(raised.Kind), (raised.At - raised.OpenedAt).TotalSeconds, seq ?? 0);
                }
                else if (change is DoorInputEvent.AlarmCleared cleared)
                {
                    LogAlarmCleared(logger, door.Name, AccessJournal.AlarmName(cleared.Kind), cleared.OpenFor.TotalSeconds, seq ?? 0);
                }
                feed.Publish(new DoorAlarmChanged(door.Name, change, seq));
                break;
        }
    }

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Door {Door}: cannot read the door contact and exit button inputs: {Outcome}; retrying")]
    private static partial void LogReadFailed(ILogger logger, string door, string outcome);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Information, Message = "Door {Door}: inputs readable again after {Failures} failed readings")]
    private static partial void LogReadable(ILogger logger, string door, int failures);

    [LoggerMessage(EventId = 3703, Level = LogLevel.Information, Message = "Door {Door}: exit button pressed")]
    private static partial void LogExitButton(ILogger logger, string door);

    [LoggerMessage(EventId = 3704, Level = LogLevel.Warning, Message = "Door {Door}: {Alarm} alarm (open for {Seconds:0.0} s), journal seq {Seq}")]
    private static partial void LogAlarmRaised(ILogger logger, string door, string alarm, double seconds, long seq);

    [LoggerMessage(EventId = 3705, Level = LogLevel.Information, Message = "Door {Door}: {Alarm} cleared, the door closed after {Seconds:0.0} s, journal seq {Seq}")]
    private static partial void LogAlarmCleared(ILogger logger, string door, string alarm, double seconds, long seq);

    [LoggerMessage(EventId = 3706, Level = LogLevel.Critical, Message = "Door {Door}: a door alarm could not be journaled")]
    private static partial void LogJournalFailed(ILogger logger, Exception exception, string door);

    [LoggerMessage(EventId = 3707, Level = LogLevel.Error, Message = "Door {Door}: its driver reads no inputs ({What}); the door contact and exit button are not watched")]
    private static partial void LogNotSupported(ILogger logger, string door, string what);
}
