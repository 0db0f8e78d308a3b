using System.Runtime.InteropServices;

namespace EdgeGate.Imaging.Interop.OpenCv;

/// <summary>A decoded image owned by the shim (<c>egcv_image*</c>).</summary>
internal sealed class SafeImageHandle : SafeHandle
{
    public SafeImageHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseImage(handle);
        return true;
    }
}

/// <summary>An open video capture owned by the shim (<c>egcv_capture*</c>).</summary>
internal sealed class SafeCaptureHandle : SafeHandle
{
    public SafeCaptureHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseCapture(handle);
        return true;
    }
}
