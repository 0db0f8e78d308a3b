using System.Runtime.InteropServices;

namespace EdgeGate.Devices.Interop.Termios;

/// <summary>A file descriptor (serial line or eventfd) closed exactly once.</summary>
internal sealed class SafeSerialHandle : SafeHandle
{
    public SafeSerialHandle()
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    public SafeSerialHandle(int fileDescriptor)
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
        SetHandle(fileDescriptor);
    }

    public override bool IsInvalid => handle == -1;

    /// <summary>The descriptor number, for poll(); valid while the handle is held.</summary>
    internal int FileDescriptor => (int)handle;

    protected override bool ReleaseHandle() => NativeMethods.Close((int)handle) == 0;
}
