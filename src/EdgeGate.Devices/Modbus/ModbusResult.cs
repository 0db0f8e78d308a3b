namespace EdgeGate.Devices.Modbus;

/// <summary>How a Modbus request ended.</summary>
public enum ModbusStatus
{
    /// <summary>The slave answered as expected.</summary>
    Success,
    /// <summary>Nothing came back within the response timeout (after any retries).</summary>
    NoResponse,
    /// <summary>The slave answered with an exception (function | 0x80).</summary>
    ExceptionResponse,
    /// <summary>Bytes came back, but never a valid answer to this request (bad CRC, noise, wrong echo).</summary>
    CorruptResponse,
    /// <summary>The stream failed or was closed.</summary>
    TransportError,
}

/// <summary>The outcome of one request, with its retries. Expected failures are values, not exceptions.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Value">The decoded answer when <see cref="Status"/> is <see cref="ModbusStatus.Success"/>.</param>
/// <param name="Frame">The answer frame as received (empty when none).</param>
/// <param name="ExceptionCode">The slave's exception code for <see cref="ModbusStatus.ExceptionResponse"/>.</param>
/// <param name="Attempts">How many times the request was sent.</param>
/// <param name="Elapsed">From the first send to the end, including quiet-line waits.</param>
/// <param name="Detail">What happened, in words (noise skipped, CRC errors, the exception's name).</param>
public sealed record ModbusResult<T>(
    ModbusStatus Status,
    T? Value,
    byte[] Frame,
    byte ExceptionCode,
    int Attempts,
    TimeSpan Elapsed,
    string Detail)
{
    public bool IsSuccess => Status == ModbusStatus.Success;
}
