using System.Runtime.InteropServices;

namespace EdgeGate.Devices.Interop.Termios;

/// <summary>
/// glibc calls for serial lines (the part of System.IO.Ports' <c>Interop.Serial</c> we need). The
/// constants are Linux's generic values, identical on x86_64 and aarch64.
/// </summary>
internal static partial class NativeMethods
{
    private const string Libc = "libc";

    internal const int OpenReadWrite = 0x2;             // O_RDWR
    internal const int OpenNoControllingTerminal = 0x100; // O_NOCTTY (0400)
    internal const int OpenNonBlocking = 0x800;          // O_NONBLOCK (04000)
    internal const int OpenCloseOnExec = 0x80000;        // O_CLOEXEC (02000000)

    internal const int SetNow = 0;                       // TCSANOW
    internal const int FlushInput = 0;                   // TCIFLUSH
    internal const int FlushOutput = 1;                  // TCOFLUSH
    internal const int FlushInputAndOutput = 2;          // TCIOFLUSH

    internal const uint ControlCharacterSizeMask = 0x30; // CSIZE (0000060)
    internal const uint ControlCharacterSize8 = 0x30;    // CS8
    internal const uint ControlTwoStopBits = 0x40;       // CSTOPB (0000100)
    internal const uint ControlReceiverEnable = 0x80;    // CREAD (0000200)
    internal const uint ControlParityEnable = 0x100;     // PARENB (0000400)
    internal const uint ControlParityOdd = 0x200;        // PARODD (0001000)
    internal const uint ControlHangUpOnClose = 0x400;    // HUPCL (0002000)
    internal const uint ControlLocal = 0x800;            // CLOCAL (0004000)
    internal const uint ControlHardwareFlow = 0x80000000; // CRTSCTS (020000000000)
    internal const uint InputParityCheck = 0x10;         // INPCK (0000020)

    internal const int ControlCharacterTime = 5;         // VTIME
    internal const int ControlCharacterMinimum = 6;      // VMIN

    internal const short PollIn = 0x1;
    internal const short PollOut = 0x4;
    internal const short PollError = 0x8;
    internal const short PollHangUp = 0x10;
    internal const short PollInvalid = 0x20;

    internal const int ErrorInterrupted = 4;             // EINTR
    internal const int ErrorInputOutput = 5;             // EIO
    internal const int ErrorTryAgain = 11;               // EAGAIN

    internal const int EventFileDescriptorCloseOnExec = 0x80000; // EFD_CLOEXEC
    internal const int EventFileDescriptorNonBlocking = 0x800;   // EFD_NONBLOCK

    // open() and eventfd() return a C int: taken as int (a SafeHandle return would read the whole
    // 64-bit register, whose upper half is unspecified) and wrapped by the caller.
    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFileDescriptor(uint initialValue, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fileDescriptor);

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    internal static partial int GetAttributes(SafeSerialHandle handle, out TerminalAttributes attributes);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    internal static partial int SetAttributes(SafeSerialHandle handle, int when, in TerminalAttributes attributes);

    [LibraryImport(Libc, EntryPoint = "cfmakeraw")]
    internal static partial void MakeRaw(ref TerminalAttributes attributes);

    [LibraryImport(Libc, EntryPoint = "cfsetispeed", SetLastError = true)]
    internal static partial int SetInputSpeed(ref TerminalAttributes attributes, uint speed);

    [LibraryImport(Libc, EntryPoint = "cfsetospeed", SetLastError = true)]
    internal static partial int SetOutputSpeed(ref TerminalAttributes attributes, uint speed);

    [LibraryImport(Libc, EntryPoint = "tcflush", SetLastError = true)]
    internal static partial int Flush(SafeSerialHandle handle, int queue);

    [LibraryImport(Libc, EntryPoint = "tcdrain", SetLastError = true)]
    internal static partial int Drain(SafeSerialHandle handle);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(SafeSerialHandle handle, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(SafeSerialHandle handle, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    internal static unsafe partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    [LibraryImport(Libc, EntryPoint = "gnu_get_libc_version")]
    internal static partial nint GetLibcVersion();
}

/// <summary>glibc's <c>struct termios</c> (60 bytes on x86_64 and aarch64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TerminalAttributes
{
    internal const int ControlCharacterCount = 32; // NCCS

    public uint InputFlags;
    public uint OutputFlags;
    public uint ControlFlags;
    public uint LocalFlags;
    public byte LineDiscipline;
    public fixed byte ControlCharacters[ControlCharacterCount];
    public uint InputSpeed;
    public uint OutputSpeed;
}

/// <summary><c>struct pollfd</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollDescriptor
{
    public int FileDescriptor;
    public short RequestedEvents;
    public short ReturnedEvents;
}
