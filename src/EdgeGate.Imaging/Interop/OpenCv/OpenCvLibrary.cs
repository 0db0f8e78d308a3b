namespace EdgeGate.Imaging.Interop.OpenCv;

/// <summary>Facts about the loaded OpenCV shim, for <c>doctor</c> and start-up checks.</summary>
public static class OpenCvLibrary
{
    /// <summary>Path of the shim that was (or would be) loaded.</summary>
    public static string LibraryPath => NativeMethods.ResolveLibraryPath();

    /// <summary>ABI version of the loaded shim (equal to <see cref="ExpectedAbiVersion"/> once loaded).</summary>
    public static int AbiVersion
    {
        get
        {
            NativeMethods.EnsureLoaded();
            return NativeMethods.AbiVersion();
        }
    }

    /// <summary>ABI version this assembly was built against.</summary>
    public static int ExpectedAbiVersion => NativeMethods.ExpectedAbiVersion;

    /// <summary>Version of OpenCV the shim was built with, e.g. "4.6.0".</summary>
    public static string OpenCvVersion
    {
        get
        {
            NativeMethods.EnsureLoaded();
            return NativeMethods.OpenCvVersion();
        }
    }

    /// <summary>Loads the shim and checks its ABI version; throws <see cref="OpenCvException"/> with the reason.</summary>
    public static void EnsureLoaded() => NativeMethods.EnsureLoaded();
}
