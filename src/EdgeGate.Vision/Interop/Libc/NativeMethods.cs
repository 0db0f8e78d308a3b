using System.Runtime.InteropServices;

namespace EdgeGate.Vision.Interop.Libc;

/// <summary>
/// The process environment as native libraries see it. <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// changes only .NET's own copy on Linux, so a variable a native library reads with getenv(3) has to
/// be set here.
/// </summary>
internal static partial class NativeMethods
{
    private const string Libc = "libc";

    /// <summary>
    /// Sets a variable in the native environment (setenv(3), replacing any value). Call it before the
    /// native library reads the variable and before other threads might read the environment.
    /// </summary>
    /// <exception cref="InvalidOperationException">setenv failed (ENOMEM, or an invalid name).</exception>
    internal static void SetEnvironmentVariable(string name, string value)
    {
        if (setenv(name, value, overwrite: 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport(Libc, EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
