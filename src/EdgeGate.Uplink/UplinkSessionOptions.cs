using EdgeGate.Configuration;

namespace EdgeGate.Uplink;

/// <summary>How one <see cref="UplinkSession"/> paces itself; built from <see cref="UplinkOptions"/>.</summary>
public sealed class UplinkSessionOptions
{
    /// <summary>Journal rows published beyond the last end-to-end ack, at most (and as many alerts sent ahead).</summary>
    public int Window { get; init; } = 500;

    public int BatchSize { get; init; } = 250;

    /// <summary>Without ack progress for this long while rows are in flight, rewind to ack+1.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan StateInterval { get; init; } = TimeSpan.FromSeconds(60);

    public int CommandMaximumBytes { get; init; } = 4 * 1024 * 1024;

    public int CommandQueueCapacity { get; init; } = 64;

    public static UplinkSessionOptions From(UplinkOptions options) => new()
    {
        Window = options.Window,
        BatchSize = options.BatchSize,
        AckTimeout = options.AckTimeout,
        PollInterval = options.PollInterval,
        StateInterval = options.StateInterval,
        CommandMaximumBytes = options.CommandMaximumBytes,
        CommandQueueCapacity = options.CommandQueueCapacity,
    };

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 1, nameof(Window));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AckTimeout, TimeSpan.Zero, nameof(AckTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StateInterval, TimeSpan.Zero, nameof(StateInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommandMaximumBytes, 256, nameof(CommandMaximumBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommandQueueCapacity, 1, nameof(CommandQueueCapacity));
    }
}
