using EdgeGate.Devices.Serial;

namespace EdgeGate.Devices.Modbus;

/// <summary>
/// A Modbus RTU master over a <see cref="Stream"/> (usually a <see cref="SerialPortStream"/> on an
/// RS-485 adapter). One request at a time: the 3.5-character silence before each request, a
/// response timeout, leading noise skipped and frames resynchronised by CRC, retries of idempotent
/// requests on garbled answers, and — because RTU has no transaction id — after any timeout or
/// garbage a wait until the line has been quiet for a while, so a late answer is never taken for the
/// answer to the next request. The client owns no loop and does not dispose the stream.
/// </summary>
public sealed class ModbusRtuClient : IDisposable
{
    private readonly Stream stream;
    private readonly ModbusRtuClientOptions options;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim exchangeGate = new(1, 1);
    private long lastTrafficTimestamp;
    private bool lineSuspect;

    public ModbusRtuClient(Stream stream, ModbusRtuClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.stream = stream;
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        lastTrafficTimestamp = this.timeProvider.GetTimestamp();
    }

    public ModbusRtuClientOptions Options => options;

    /// <summary>Switches one coil (relay) on or off; the answer must echo the request.</summary>
    public async Task<ModbusResult<bool>> WriteSingleCoilAsync(byte slaveId, ushort coilAddress, bool on, CancellationToken cancellationToken)
    {
        var result = await ExchangeAsync(ModbusRtuFraming.BuildWriteSingleCoil(slaveId, coilAddress, on), cancellationToken).ConfigureAwait(false);
        return Decode(result, frame => ModbusRtuFraming.ParseWrittenValue(frame) == 0xFF00);
    }

    /// <summary>Writes one holding register; the answer must echo the request.</summary>
    public async Task<ModbusResult<ushort>> WriteSingleRegisterAsync(byte slaveId, ushort registerAddress, ushort value, CancellationToken cancellationToken)
    {
        var result = await ExchangeAsync(ModbusRtuFraming.BuildWriteSingleRegister(slaveId, registerAddress, value), cancellationToken).ConfigureAwait(false);
        return Decode(result, frame => ModbusRtuFraming.ParseWrittenValue(frame));
    }

    /// <summary>Reads <paramref name="count"/> coils from <paramref name="startAddress"/>.</summary>
    public async Task<ModbusResult<bool[]>> ReadCoilsAsync(byte slaveId, ushort startAddress, ushort count, CancellationToken cancellationToken)
    {
        var result = await ExchangeAsync(ModbusRtuFraming.BuildReadCoils(slaveId, startAddress, count), cancellationToken).ConfigureAwait(false);
        return Decode(result, frame => ModbusRtuFraming.ParseBits(frame, count));
    }

    /// <summary>Reads <paramref name="count"/> discrete inputs from <paramref name="startAddress"/>.</summary>
    public async Task<ModbusResult<bool[]>> ReadDiscreteInputsAsync(byte slaveId, ushort startAddress, ushort count, CancellationToken cancellationToken)
    {
        var result = await ExchangeAsync(ModbusRtuFraming.BuildReadDiscreteInputs(slaveId, startAddress, count), cancellationToken).ConfigureAwait(false);
        return Decode(result, frame => ModbusRtuFraming.ParseBits(frame, count));
    }

    /// <summary>
    /// Sends <paramref name="request"/> (a frame built by <see cref="ModbusRtuFraming"/>; every
    /// function it builds is idempotent, so garbled answers are retried) and returns the answer frame.
    /// </summary>
    public async Task<ModbusResult<byte[]>> ExchangeAsync(byte[] request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = ModbusRtuFraming.ExpectedResponseLength(request);
        await exchangeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ExchangeLockedAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            exchangeGate.Release();
        }
    }

    private async Task<ModbusResult<byte[]>> ExchangeLockedAsync(byte[] request, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var attempts = 0;
        var corruptAttempts = 0;
        var silentAttempts = 0;
        var notes = new List<string>();
        while (true)
        {
            attempts++;
            ReceiveResult received;
            try
            {
                await PrepareLineAsync(notes, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                lastTrafficTimestamp = timeProvider.GetTimestamp();
                received = await ReceiveAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                lineSuspect = true;
                return Result(ModbusStatus.TransportError, [], 0, attempts, started, $"{exception.Message}", notes);
            }
            catch (OperationCanceledException)
            {
                // The answer to a cancelled request may still arrive: let it pass before the next one.
                lineSuspect = true;
                throw;
            }
            lastTrafficTimestamp = timeProvider.GetTimestamp();
            var scan = received.Scan;
            if (received.EndOfStream && scan.Status == ModbusScanStatus.NeedMoreData)
            {
                lineSuspect = true;
                return Result(ModbusStatus.TransportError, [], 0, attempts, started, "the line was closed (end of stream)", notes);
            }
            if (scan.Offset > 0 && scan.Status != ModbusScanStatus.NeedMoreData)
            {
                notes.Add($"skipped {scan.Offset} noise bytes");
            }
            if (scan.CorruptFrames > 0 || scan.MismatchedFrames > 0)
            {
                notes.Add($"{scan.CorruptFrames} CRC errors, {scan.MismatchedFrames} frames not answering this request");
            }
            switch (scan.Status)
            {
                case ModbusScanStatus.Response:
                    if (received.Count > scan.Offset + scan.Length)
                    {
                        // Bytes after the answer: something else is talking; let it finish first next time.
                        lineSuspect = true;
                    }
                    return Result(ModbusStatus.Success, received.Buffer.AsSpan(scan.Offset, scan.Length).ToArray(), 0, attempts, started, "answered", notes);
                case ModbusScanStatus.ExceptionResponse:
                    return Result(ModbusStatus.ExceptionResponse, received.Buffer.AsSpan(scan.Offset, scan.Length).ToArray(), scan.ExceptionCode, attempts, started,
                        $"exception {scan.ExceptionCode} ({ModbusRtuFraming.DescribeException(scan.ExceptionCode)})", notes);
            }
            lineSuspect = true;
            if (received.Count == 0)
            {
                notes.Add($"attempt {attempts}: no answer within {options.ResponseTimeout.TotalMilliseconds:0} ms");
                if (silentAttempts++ < options.RetriesAfterNoResponse)
                {
                    continue;
                }
                return Result(ModbusStatus.NoResponse, [], 0, attempts, started, "no answer", notes);
            }
            notes.Add($"attempt {attempts}: {received.Count} bytes but no valid answer ({Convert.ToHexString(received.Buffer, 0, Math.Min(received.Count, 32))})");
            if (corruptAttempts++ < options.RetriesAfterCorruptResponse)
            {
                continue;
            }
            return Result(ModbusStatus.CorruptResponse, [], 0, attempts, started, "no valid answer", notes);
        }
    }

    private async Task PrepareLineAsync(List<string> notes, CancellationToken cancellationToken)
    {
        if (lineSuspect)
        {
            var quiet = await WaitForQuietLineAsync(cancellationToken).ConfigureAwait(false);
            if (quiet.DiscardedBytes > 0 || !quiet.IsQuiet)
            {
                notes.Add($"waited {quiet.Waited.TotalMilliseconds:0} ms for a quiet line, discarded {quiet.DiscardedBytes} late bytes{(quiet.IsQuiet ? "" : ", line still busy")}");
            }
            if (quiet.HungUp)
            {
                throw new IOException("the line was closed (hang-up)");
            }
            lineSuspect = false;
            lastTrafficTimestamp = timeProvider.GetTimestamp();
        }
        else if (stream is SerialPortStream serial)
        {
            serial.DiscardInBuffer();
        }
        var silence = options.InterFrameSilence - timeProvider.GetElapsedTime(lastTrafficTimestamp);
        if (silence > TimeSpan.Zero)
        {
            await Task.Delay(silence, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<QuietLineResult> WaitForQuietLineAsync(CancellationToken cancellationToken)
    {
        if (stream is SerialPortStream serial)
        {
            return await serial.WaitForQuietLineAsync(options.QuietTimeAfterFailure, options.MaximumQuietWait, cancellationToken).ConfigureAwait(false);
        }
        // Any other stream: read with a timeout until a read times out after the quiet time.
        var started = timeProvider.GetTimestamp();
        var discarded = 0;
        var scratch = new byte[256];
        while (true)
        {
            var waited = timeProvider.GetElapsedTime(started);
            if (waited >= options.MaximumQuietWait)
            {
                return new QuietLineResult(false, discarded, waited);
            }
            var slice = options.QuietTimeAfterFailure < options.MaximumQuietWait - waited ? options.QuietTimeAfterFailure : options.MaximumQuietWait - waited;
            var read = await ReadWithTimeoutAsync(scratch, slice, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return new QuietLineResult(true, discarded, timeProvider.GetElapsedTime(started));
            }
            if (read < 0)
            {
                return new QuietLineResult(false, discarded, timeProvider.GetElapsedTime(started), HungUp: true);
            }
            discarded += read;
        }
    }

    private async Task<ReceiveResult> ReceiveAsync(byte[] request, CancellationToken cancellationToken)
    {
        var buffer = new byte[ModbusRtuFraming.MaximumFrameLength * 2];
        var count = 0;
        var started = timeProvider.GetTimestamp();
        var scan = ModbusRtuFraming.ScanResponse(ReadOnlySpan<byte>.Empty, request);
        while (true)
        {
            var remaining = options.ResponseTimeout - timeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return new ReceiveResult(buffer, count, scan, EndOfStream: false);
            }
            if (count == buffer.Length)
            {
                // A full buffer of garbage: keep only the tail that may still start a frame.
                var keep = buffer.Length - scan.Offset;
                Array.Copy(buffer, scan.Offset, buffer, 0, keep);
                count = keep == buffer.Length ? 0 : keep;
            }
            var read = await ReadWithTimeoutAsync(buffer.AsMemory(count), remaining, cancellationToken).ConfigureAwait(false);
            if (read < 0)
            {
                return new ReceiveResult(buffer, count, scan, EndOfStream: true);
            }
            if (read == 0)
            {
                // Timers tick on a coarser clock and may fire a fraction of a millisecond early:
                // the loop head decides, on the precise clock, whether the timeout is really spent.
                continue;
            }
            count += read;
            scan = ModbusRtuFraming.ScanResponse(buffer.AsSpan(0, count), request);
            if (scan.Status != ModbusScanStatus.NeedMoreData)
            {
                return new ReceiveResult(buffer, count, scan, EndOfStream: false);
            }
        }
    }

    /// <summary>Reads once; returns the count, 0 on timeout, -1 at end of stream.</summary>
    private async Task<int> ReadWithTimeoutAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Whole milliseconds, rounded up: a sub-millisecond timer would fire at once.
        var wholeMilliseconds = TimeSpan.FromMilliseconds(Math.Ceiling(timeout.TotalMilliseconds));
        using var timeoutSource = new CancellationTokenSource(wholeMilliseconds, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            var read = await stream.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            return read == 0 ? -1 : read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (TimeoutException)
        {
            return 0;
        }
    }

    private static ModbusResult<T> Decode<T>(ModbusResult<byte[]> result, Func<byte[], T> decode)
        => new(result.Status, result.IsSuccess ? decode(result.Frame) : default, result.Frame, result.ExceptionCode, result.Attempts, result.Elapsed, result.Detail);

    private ModbusResult<byte[]> Result(ModbusStatus status, byte[] frame, byte exceptionCode, int attempts, long started, string summary, List<string> notes)
    {
        var detail = notes.Count == 0 ? summary : $"{summary} ({string.Join("; ", notes)})";
        return new ModbusResult<byte[]>(status, frame, frame, exceptionCode, attempts, timeProvider.GetElapsedTime(started), detail);
    }

    public void Dispose() => exchangeGate.Dispose();

    private readonly record struct ReceiveResult(byte[] Buffer, int Count, ModbusResponseScan Scan, bool EndOfStream);
}
