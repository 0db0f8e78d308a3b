using System.Runtime.InteropServices;

namespace EdgeGate.Devices.Interop.Termios;

/// <summary>
/// A serial line call failed (open, configure, read, write, poll). Carries the libc error number
/// and its text; an <see cref="IOException"/> so stream users treat it as a transport failure.
/// </summary>
public sealed class SerialPortException : IOException
{
    public SerialPortException(string message, int errorNumber)
        : base(message)
    {
        ErrorNumber = errorNumber;
    }

    public SerialPortException(string message)
        : base(message)
    {
    }

    public SerialPortException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SerialPortException()
    {
    }

    /// <summary>The libc errno, 0 when the failure did not come from a libc call.</summary>
    public int ErrorNumber { get; }

    /// <summary>Builds the exception from the last P/Invoke error: "<paramref name="operation"/>: text (errno n)".</summary>
    internal static SerialPortException FromLastError(string operation)
    {
        var errorNumber = Marshal.GetLastPInvokeError();
        var text = Marshal.GetLastPInvokeErrorMessage();
        return new SerialPortException($"{operation}: {text} (errno {errorNumber})", errorNumber);
    }
}
