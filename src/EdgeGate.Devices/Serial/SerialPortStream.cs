using System.Diagnostics;
using EdgeGate.Devices.Interop.Termios;

namespace EdgeGate.Devices.Serial;

/// <summary>What <see cref="SerialPortStream.WaitForQuietLineAsync"/> saw.</summary>
/// <param name="IsQuiet">True when no byte arrived for the whole quiet time before the maximum wait ran out.</param>
/// <param name="DiscardedBytes">Bytes that arrived meanwhile and were thrown away.</param>
/// <param name="Waited">How long the wait took.</param>
/// <param name="HungUp">True when the other end closed meanwhile.</param>
public sealed record QuietLineResult(bool IsQuiet, int DiscardedBytes, TimeSpan Waited, bool HungUp = false);

/// <summary>
/// A serial line (RS-232/RS-485 adapter, USB CDC device, pseudo-terminal) as a <see cref="Stream"/>,
/// over termios: raw mode, 8 data bits, CLOCAL|CREAD, VMIN = VTIME = 0, and poll() for timeouts.
/// It stands in for System.IO.Ports.SerialPort, which is not available here.
/// </summary>
/// <remarks>
/// <para>Reads return what has arrived (at least one byte). A read that sees nothing within
/// <see cref="ReadTimeout"/> (or the timeout passed to <see cref="ReadAsync(Memory{byte}, TimeSpan, CancellationToken)"/>)
/// throws <see cref="TimeoutException"/>, like SerialPort; cancellation throws
/// <see cref="OperationCanceledException"/> and loses no byte (the wait is interrupted, never a read).</para>
/// <para>When the other end goes away — a pty whose master closed, an unplugged USB adapter (POLLHUP
/// or EIO) — reads return 0, the ordinary end of stream, and <see cref="IsHungUp"/> becomes true;
/// every later read returns 0 at once. Writes to a hung-up line throw <see cref="SerialPortException"/>.
/// Any other libc failure throws <see cref="SerialPortException"/> with the errno text.</para>
/// <para>Each waiting read or write occupies one dedicated thread while it waits in poll(); a read
/// whose bytes are already there completes without one. One reader and one writer at a time.</para>
/// </remarks>
public sealed class SerialPortStream : Stream
{
    private readonly SerialLine line;
    private volatile bool disposed;
    private volatile bool hungUp;

    private SerialPortStream(string path, SerialLineSettings settings, SerialLine line)
    {
        Path = path;
        Settings = settings;
        this.line = line;
    }

    /// <summary>The device path as given (e.g. /dev/ttyUSB0).</summary>
    public string Path { get; }

    public SerialLineSettings Settings { get; }

    /// <summary>True once the other end has closed (see the class remarks).</summary>
    public bool IsHungUp => hungUp;

    /// <summary>Milliseconds a read waits for its first byte; <see cref="Timeout.Infinite"/> (the default) waits forever.</summary>
    public override int ReadTimeout { get; set; } = Timeout.Infinite;

    /// <summary>Milliseconds a write waits for room in the driver's buffer; <see cref="Timeout.Infinite"/> by default.</summary>
    public override int WriteTimeout { get; set; } = Timeout.Infinite;

    public override bool CanRead => !disposed;
    public override bool CanWrite => !disposed;
    public override bool CanSeek => false;
    public override bool CanTimeout => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Opens and configures <paramref name="path"/> (O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC).</summary>
    /// <exception cref="SerialPortException">The device cannot be opened or is not a terminal.</exception>
    public static SerialPortStream Open(string path, int baudRate, SerialParity parity = SerialParity.None, SerialStopBits stopBits = SerialStopBits.One)
        => Open(path, new SerialLineSettings(baudRate, parity, stopBits));

    public static SerialPortStream Open(string path, SerialLineSettings settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(settings);
        return new SerialPortStream(path, settings, SerialLine.Open(path, settings));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => ReadCore(buffer, ReadTimeout, CancellationToken.None);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ReadAsync(buffer, ReadTimeout, cancellationToken);

    /// <summary>Reads at least one byte, waiting at most <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/> = forever).</summary>
    /// <exception cref="TimeoutException">Nothing arrived in time.</exception>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken cancellationToken)
        => ReadAsync(buffer, ToMilliseconds(timeout), cancellationToken);

    private ValueTask<int> ReadAsync(Memory<byte> buffer, int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }
        ObjectDisposedException.ThrowIf(disposed, this);
        if (buffer.Length == 0)
        {
            return ValueTask.FromResult(0);
        }
        // Bytes already waiting (or a hang-up already seen): answer without a thread.
        if (hungUp)
        {
            return ValueTask.FromResult(0);
        }
        var count = line.Read(buffer.Span);
        if (count > 0)
        {
            return ValueTask.FromResult(count);
        }
        if (count < 0)
        {
            hungUp = true;
            return ValueTask.FromResult(0);
        }
        return new ValueTask<int>(RunBlockingAsync(() => ReadCore(buffer.Span, timeoutMilliseconds, cancellationToken), cancellationToken));
    }

    private int ReadCore(Span<byte> buffer, int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(disposed, this);
            if (hungUp)
            {
                return 0;
            }
            var count = line.Read(buffer);
            if (count > 0)
            {
                return count;
            }
            if (count < 0)
            {
                hungUp = true;
                return 0;
            }
            var remaining = Remaining(started, timeoutMilliseconds);
            if (remaining == 0)
            {
                throw new TimeoutException($"no byte from {Path} within {timeoutMilliseconds} ms");
            }
            if (line.Wait(forWrite: false, remaining) == LineReadiness.HungUp)
            {
                var last = line.Read(buffer);
                if (last > 0)
                {
                    return last;
                }
                hungUp = true;
                return 0;
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        WriteCore(buffer, CancellationToken.None);
        line.Drain();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Writes every byte and waits until they have left the UART (tcdrain), so the caller knows the
    /// frame is on the wire. The bytes the line takes at once (a short frame into the driver's
    /// buffer: nearly always all of them) go out on the calling thread, with no thread hop before
    /// they are on their way; only the rest and the wait for the UART run on a blocking thread.
    /// </summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        ObjectDisposedException.ThrowIf(disposed, this);
        var written = 0;
        if (!hungUp)
        {
            try
            {
                written = line.Write(buffer.Span);
            }
            catch (SerialPortException exception)
            {
                return ValueTask.FromException(exception);
            }
        }
        var rest = buffer[written..];
        return new ValueTask(RunBlockingAsync(() =>
        {
            WriteCore(rest.Span, cancellationToken);
            line.Drain();
            return 0;
        }, cancellationToken));
    }

    /// <summary>Every write already waits until its bytes have left the UART: nothing is left to wait for.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        ObjectDisposedException.ThrowIf(disposed, this);
        return Task.CompletedTask;
    }

    private void WriteCore(ReadOnlySpan<byte> buffer, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(disposed, this);
            var written = line.Write(buffer);
            if (written > 0)
            {
                buffer = buffer[written..];
                continue;
            }
            var remaining = Remaining(started, WriteTimeout);
            if (remaining == 0)
            {
                throw new TimeoutException($"{Path} did not take {buffer.Length} more bytes within {WriteTimeout} ms");
            }
            if (line.Wait(forWrite: true, remaining) == LineReadiness.HungUp)
            {
                hungUp = true;
                throw new SerialPortException($"write {Path}: the other end hung up");
            }
        }
    }

    /// <summary>Waits until every written byte has been sent (tcdrain).</summary>
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        line.Drain();
    }

    /// <summary>Drops every received byte not read yet (tcflush TCIFLUSH), like SerialPort.DiscardInBuffer.</summary>
    public void DiscardInBuffer()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        line.DiscardInput();
    }

    /// <summary>
    /// Reads and discards until no byte has arrived for <paramref name="quietTime"/>, or until
    /// <paramref name="maximumWait"/> has passed. Used after a timeout or garbage, so that a late
    /// answer is not taken for the answer to the next request.
    /// </summary>
    public Task<QuietLineResult> WaitForQuietLineAsync(TimeSpan quietTime, TimeSpan maximumWait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quietTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumWait, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(disposed, this);
        return RunBlockingAsync(() => WaitForQuietLineCore(quietTime, maximumWait, cancellationToken), cancellationToken);
    }

    private QuietLineResult WaitForQuietLineCore(TimeSpan quietTime, TimeSpan maximumWait, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastByte = started;
        var discarded = 0;
        Span<byte> scratch = stackalloc byte[256];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(disposed, this);
            var now = Stopwatch.GetTimestamp();
            if (hungUp)
            {
                return new QuietLineResult(false, discarded, Stopwatch.GetElapsedTime(started, now), HungUp: true);
            }
            var sinceLastByte = Stopwatch.GetElapsedTime(lastByte, now);
            var waited = Stopwatch.GetElapsedTime(started, now);
            if (sinceLastByte >= quietTime)
            {
                return new QuietLineResult(true, discarded, waited);
            }
            if (waited >= maximumWait)
            {
                return new QuietLineResult(false, discarded, waited);
            }
            var wait = Min(quietTime - sinceLastByte, maximumWait - waited);
            var readiness = line.Wait(forWrite: false, (int)Math.Ceiling(wait.TotalMilliseconds));
            if (readiness is LineReadiness.Ready or LineReadiness.HungUp)
            {
                var count = line.Read(scratch);
                if (count > 0)
                {
                    discarded += count;
                    lastByte = Stopwatch.GetTimestamp();
                }
                else if (count < 0 || readiness == LineReadiness.HungUp)
                {
                    hungUp = true;
                }
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            line.Dispose();
        }
        base.Dispose(disposing);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private Task<T> RunBlockingAsync<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        return Task.Factory.StartNew(() =>
        {
            using var registration = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static state => ((SerialLine)state!).Wake(), line) : default;
            return operation();
        }, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
    }

    private static int Remaining(long started, int timeoutMilliseconds)
    {
        if (timeoutMilliseconds < 0)
        {
            return -1;
        }
        var left = timeoutMilliseconds - Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return left <= 0 ? 0 : (int)Math.Ceiling(left);
    }

    private static int ToMilliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.Infinite;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
