using System.Runtime.InteropServices;

namespace EdgeGate.Devices.Interop.Mosquitto;

/// <summary>
/// Owns one <c>struct mosquitto*</c>. Release calls <c>mosquitto_destroy</c>, which must only happen
/// after the network thread was stopped (<see cref="MosquittoSession"/> takes care of the order).
/// </summary>
internal sealed class MosquittoHandle : SafeHandle
{
    public MosquittoHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.Destroy(handle);
        return true;
    }
}
