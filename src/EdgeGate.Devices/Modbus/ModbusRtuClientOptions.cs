namespace EdgeGate.Devices.Modbus;

/// <summary>Timing and retry policy of a <see cref="ModbusRtuClient"/>.</summary>
public sealed record ModbusRtuClientOptions
{
    /// <summary>The line's baud rate, for the 3.5-character silence between frames.</summary>
    public int BaudRate { get; init; } = 9600;

    /// <summary>How long to wait for a complete answer after the request has left.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Extra attempts of an idempotent request after a garbled answer (bad CRC, noise, an answer that is not ours).</summary>
    public int RetriesAfterCorruptResponse { get; init; } = 2;

    /// <summary>Extra attempts of an idempotent request after no answer at all.</summary>
    public int RetriesAfterNoResponse { get; init; }

    /// <summary>
    /// After a timeout or garbage, the line must stay silent this long before the next request, so
    /// that a late answer (RTU has no transaction id) is not taken for the next one.
    /// </summary>
    public TimeSpan QuietTimeAfterFailure { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Upper bound of that wait when a device keeps chattering.</summary>
    public TimeSpan MaximumQuietWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The silence that separates RTU frames: 3.5 characters of 11 bits, fixed at 1.75 ms above 19200 baud.</summary>
    public TimeSpan InterFrameSilence => BaudRate > 19200
        ? TimeSpan.FromMicroseconds(1750)
        : TimeSpan.FromTicks((long)(3.5 * 11 * TimeSpan.TicksPerSecond / BaudRate));

    /// <summary>Throws when a value makes no sense.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BaudRate, 50);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ResponseTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(RetriesAfterCorruptResponse);
        ArgumentOutOfRangeException.ThrowIfNegative(RetriesAfterNoResponse);
        ArgumentOutOfRangeException.ThrowIfLessThan(QuietTimeAfterFailure, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumQuietWait, QuietTimeAfterFailure);
    }
}
