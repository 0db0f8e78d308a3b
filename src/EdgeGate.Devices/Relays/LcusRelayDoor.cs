using EdgeGate.Core.Doors;

namespace EdgeGate.Devices.Relays;

/// <summary>Which LCUS channel drives the door and how it is wired.</summary>
public sealed record LcusRelayDoorOptions
{
    /// <summary>Relay channel, 1-based as printed on the module.</summary>
    public byte Channel { get; init; } = 1;

    public RelayWiring Wiring { get; init; } = new();

    /// <summary>How often the relock command is written (the module confirms nothing, so a write error is the only failure seen).</summary>
    public int RelockAttempts { get; init; } = 3;

    public TimeSpan RelockRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// A door on an LCUS-style USB relay (see <see cref="LcusRelayFraming"/>), over a stream opened at
/// 9600 8N1. The module never answers, so <see cref="DoorCommandOutcome.Done"/> only means the
/// bytes were written ("no reply expected"); a failed write is a <see cref="DoorCommandOutcome.TransportError"/>.
/// </summary>
public sealed class LcusRelayDoor : IDoorDriver, IDisposable
{
    private readonly Stream stream;
    private readonly LcusRelayDoorOptions options;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim commandGate = new(1, 1);

    public LcusRelayDoor(Stream stream, LcusRelayDoorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfZero(options.Channel);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RelockAttempts, 1);
        this.stream = stream;
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public DoorDriverCapabilities Capabilities => DoorDriverCapabilities.Pulse | DoorDriverCapabilities.Hold;

    public Task<DoorCommandOutcome> PulseAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        PulseAsync(new ReleaseWindow(duration, timeProvider), cancellationToken);

    /// <summary>Release, wait until the window ends (following extensions), relock.</summary>
    public async Task<DoorCommandOutcome> PulseAsync(ReleaseWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var released = timeProvider.GetTimestamp();
            var release = await SendAsync(released: true, cancellationToken).ConfigureAwait(false);
            if (release is not null)
            {
                window.Close();
                await RelockAsync().ConfigureAwait(false);
                return new DoorCommandOutcome.TransportError(release);
            }
            try
            {
                await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await RelockAsync().ConfigureAwait(false);
                throw;
            }
            return await RelockAsync().ConfigureAwait(false) is { } relockError
                ? new DoorCommandOutcome.TransportError($"relock failed, the door may be released: {relockError}")
                : new DoorCommandOutcome.Done($"channel {options.Channel} pulsed {timeProvider.GetElapsedTime(released).TotalMilliseconds:0} ms, no reply expected");
        }
        finally
        {
            commandGate.Release();
        }
    }

    public async Task<DoorCommandOutcome> SetAsync(bool released, CancellationToken cancellationToken)
    {
        await commandGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var error = released ? await SendAsync(released: true, cancellationToken).ConfigureAwait(false) : await RelockAsync().ConfigureAwait(false);
            return error is null
                ? new DoorCommandOutcome.Done($"channel {options.Channel} {(released ? "held released" : "locked")}, no reply expected")
                : new DoorCommandOutcome.TransportError(error);
        }
        finally
        {
            commandGate.Release();
        }
    }

    public Task<DoorInputsReading> ReadInputsAsync(CancellationToken cancellationToken)
        => Task.FromResult(DoorInputsReading.Failed(new DoorCommandOutcome.NotSupported("LCUS relays have no inputs")));

    /// <summary>Writes the command; returns null when written, else the error text.</summary>
    private async Task<string?> SendAsync(bool released, CancellationToken cancellationToken)
    {
        var frame = LcusRelayFraming.BuildSwitch(options.Channel, options.Wiring.RelayStateFor(released));
        try
        {
            await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (IOException exception)
        {
            return exception.Message;
        }
        catch (ObjectDisposedException exception)
        {
            return exception.Message;
        }
    }

    private async Task<string?> RelockAsync()
    {
        string? error = null;
        for (var attempt = 1; attempt <= options.RelockAttempts; attempt++)
        {
            error = await SendAsync(released: false, CancellationToken.None).ConfigureAwait(false);
            if (error is null)
            {
                return null;
            }
            if (attempt < options.RelockAttempts)
            {
                await Task.Delay(options.RelockRetryDelay, timeProvider).ConfigureAwait(false);
            }
        }
        return error;
    }

    public void Dispose() => commandGate.Dispose();
}
