using System.Runtime.InteropServices;
using EdgeGate.Devices.Serial;

namespace EdgeGate.Devices.Interop.Termios;

/// <summary>What one wait on the line saw.</summary>
internal enum LineReadiness
{
    /// <summary>The wait ended with nothing to do.</summary>
    TimedOut,
    /// <summary>Bytes can be read (or written, for a write wait).</summary>
    Ready,
    /// <summary>The other end is gone (POLLHUP/POLLERR); bytes received before may still be readable.</summary>
    HungUp,
    /// <summary>The wake-up descriptor was signalled (cancellation or close).</summary>
    Woken,
}

/// <summary>
/// An open serial line in raw mode: a non-blocking descriptor plus an eventfd used to wake a
/// pending poll() (cancellation, close). Blocking primitives only; the async shape is
/// <see cref="SerialPortStream"/>'s job. Every failing libc call raises <see cref="SerialPortException"/>.
/// </summary>
internal sealed class SerialLine : IDisposable
{
    private readonly SafeSerialHandle line;
    private readonly SafeSerialHandle wake;

    private SerialLine(SafeSerialHandle line, SafeSerialHandle wake)
    {
        this.line = line;
        this.wake = wake;
    }

    internal static unsafe int TerminalAttributesSize => sizeof(TerminalAttributes);

    internal static SerialLine Open(string path, SerialLineSettings settings)
    {
        var descriptor = NativeMethods.Open(path, NativeMethods.OpenReadWrite | NativeMethods.OpenNoControllingTerminal
            | NativeMethods.OpenNonBlocking | NativeMethods.OpenCloseOnExec);
        if (descriptor < 0)
        {
            throw SerialPortException.FromLastError($"open {path}");
        }
        var line = new SafeSerialHandle(descriptor);
        try
        {
            Configure(line, path, settings);
            var wakeDescriptor = NativeMethods.EventFileDescriptor(0, NativeMethods.EventFileDescriptorCloseOnExec | NativeMethods.EventFileDescriptorNonBlocking);
            if (wakeDescriptor < 0)
            {
                throw SerialPortException.FromLastError("eventfd");
            }
            return new SerialLine(line, new SafeSerialHandle(wakeDescriptor));
        }
        catch
        {
            line.Dispose();
            throw;
        }
    }

    private static unsafe void Configure(SafeSerialHandle line, string path, SerialLineSettings settings)
    {
        if (NativeMethods.GetAttributes(line, out var attributes) != 0)
        {
            throw SerialPortException.FromLastError($"tcgetattr {path} (not a terminal?)");
        }
        NativeMethods.MakeRaw(ref attributes);
        attributes.ControlFlags &= ~(NativeMethods.ControlCharacterSizeMask | NativeMethods.ControlTwoStopBits
            | NativeMethods.ControlParityEnable | NativeMethods.ControlParityOdd | NativeMethods.ControlHardwareFlow
            | NativeMethods.ControlHangUpOnClose);
        attributes.ControlFlags |= NativeMethods.ControlCharacterSize8 | NativeMethods.ControlLocal | NativeMethods.ControlReceiverEnable;
        if (settings.StopBits == SerialStopBits.Two)
        {
            attributes.ControlFlags |= NativeMethods.ControlTwoStopBits;
        }
        if (settings.Parity != SerialParity.None)
        {
            attributes.ControlFlags |= NativeMethods.ControlParityEnable;
            attributes.InputFlags |= NativeMethods.InputParityCheck;
            if (settings.Parity == SerialParity.Odd)
            {
                attributes.ControlFlags |= NativeMethods.ControlParityOdd;
            }
        }
        attributes.ControlCharacters[NativeMethods.ControlCharacterMinimum] = 0;
        attributes.ControlCharacters[NativeMethods.ControlCharacterTime] = 0;
        var speed = TerminalSpeed.ToNative(settings.BaudRate);
        if (NativeMethods.SetInputSpeed(ref attributes, speed) != 0 || NativeMethods.SetOutputSpeed(ref attributes, speed) != 0)
        {
            throw SerialPortException.FromLastError($"cfsetspeed {settings.BaudRate} on {path}");
        }
        if (NativeMethods.SetAttributes(line, NativeMethods.SetNow, attributes) != 0)
        {
            throw SerialPortException.FromLastError($"tcsetattr {path}");
        }
        if (NativeMethods.Flush(line, NativeMethods.FlushInputAndOutput) != 0)
        {
            throw SerialPortException.FromLastError($"tcflush {path}");
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> (-1 = forever) for the line to be readable or writable, or for a wake-up.</summary>
    internal unsafe LineReadiness Wait(bool forWrite, int timeoutMilliseconds)
    {
        var lineAdded = false;
        var wakeAdded = false;
        try
        {
            line.DangerousAddRef(ref lineAdded);
            wake.DangerousAddRef(ref wakeAdded);
            var descriptors = stackalloc PollDescriptor[2];
            descriptors[0] = new PollDescriptor { FileDescriptor = line.FileDescriptor, RequestedEvents = forWrite ? NativeMethods.PollOut : NativeMethods.PollIn };
            descriptors[1] = new PollDescriptor { FileDescriptor = wake.FileDescriptor, RequestedEvents = NativeMethods.PollIn };
            while (true)
            {
                var count = NativeMethods.Poll(descriptors, 2, timeoutMilliseconds);
                if (count < 0)
                {
                    if (Marshal.GetLastPInvokeError() == NativeMethods.ErrorInterrupted)
                    {
                        continue;
                    }
                    throw SerialPortException.FromLastError("poll");
                }
                if (count == 0)
                {
                    return LineReadiness.TimedOut;
                }
                if ((descriptors[1].ReturnedEvents & NativeMethods.PollIn) != 0)
                {
                    ClearWake();
                    return LineReadiness.Woken;
                }
                var events = descriptors[0].ReturnedEvents;
                if ((events & NativeMethods.PollInvalid) != 0)
                {
                    throw new SerialPortException("poll: the serial descriptor is not open", 9);
                }
                // Hang-up first: a hung-up tty also reports POLLIN, and its reads return 0 (or EIO
                // once buffered bytes are gone); the caller reads what is left before giving up.
                if ((events & (NativeMethods.PollHangUp | NativeMethods.PollError)) != 0)
                {
                    return LineReadiness.HungUp;
                }
                if ((events & (forWrite ? NativeMethods.PollOut : NativeMethods.PollIn)) != 0)
                {
                    return LineReadiness.Ready;
                }
            }
        }
        finally
        {
            if (wakeAdded)
            {
                wake.DangerousRelease();
            }
            if (lineAdded)
            {
                line.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Reads what is there without blocking. Returns the count (0 = nothing right now), or -1 when the
    /// other end has hung up (EIO, as a pty reports a closed master and a USB adapter an unplug).
    /// </summary>
    internal unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* pointer = buffer)
        {
            while (true)
            {
                var count = NativeMethods.Read(line, pointer, (nuint)buffer.Length);
                if (count >= 0)
                {
                    return (int)count;
                }
                var error = Marshal.GetLastPInvokeError();
                switch (error)
                {
                    case NativeMethods.ErrorInterrupted:
                        continue;
                    case NativeMethods.ErrorTryAgain:
                        return 0;
                    case NativeMethods.ErrorInputOutput:
                        return -1;
                    default:
                        throw SerialPortException.FromLastError("read");
                }
            }
        }
    }

    /// <summary>Writes what the driver takes now; returns the count (0 when its buffer is full).</summary>
    internal unsafe int Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* pointer = buffer)
        {
            while (true)
            {
                var count = NativeMethods.Write(line, pointer, (nuint)buffer.Length);
                if (count >= 0)
                {
                    return (int)count;
                }
                var error = Marshal.GetLastPInvokeError();
                if (error == NativeMethods.ErrorInterrupted)
                {
                    continue;
                }
                if (error == NativeMethods.ErrorTryAgain)
                {
                    return 0;
                }
                throw SerialPortException.FromLastError("write");
            }
        }
    }

    /// <summary>Blocks until every written byte has left the UART (tcdrain).</summary>
    internal void Drain()
    {
        while (NativeMethods.Drain(line) != 0)
        {
            if (Marshal.GetLastPInvokeError() != NativeMethods.ErrorInterrupted)
            {
                throw SerialPortException.FromLastError("tcdrain");
            }
        }
    }

    /// <summary>Drops bytes received but not read yet (tcflush TCIFLUSH).</summary>
    internal void DiscardInput()
    {
        if (NativeMethods.Flush(line, NativeMethods.FlushInput) != 0)
        {
            throw SerialPortException.FromLastError("tcflush");
        }
    }

    /// <summary>Makes a pending or the next <see cref="Wait"/> return <see cref="LineReadiness.Woken"/>.</summary>
    internal unsafe void Wake()
    {
        if (wake.IsClosed)
        {
            return;
        }
        ulong one = 1;
        var added = false;
        try
        {
            wake.DangerousAddRef(ref added);
            _ = NativeMethods.Write(wake, (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile: nothing left to wake.
        }
        finally
        {
            if (added)
            {
                wake.DangerousRelease();
            }
        }
    }

    private unsafe void ClearWake()
    {
        ulong value;
        _ = NativeMethods.Read(wake, (byte*)&value, sizeof(ulong));
    }

    public void Dispose()
    {
        Wake();
        line.Dispose();
        wake.Dispose();
    }
}
