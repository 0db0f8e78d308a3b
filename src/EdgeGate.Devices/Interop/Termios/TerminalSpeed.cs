using System.Runtime.InteropServices;

namespace EdgeGate.Devices.Interop.Termios;

/// <summary>
/// Maps a baud rate to the <c>speed_t</c> value glibc expects. Before glibc 2.42 <c>cfsetispeed</c>
/// takes the octal <c>Bxxxx</c> codes (B9600 = 0000015, B115200 = 0010002); from 2.42 on the
/// default symbol version takes the rate itself (B9600 = 9600). The version is read once at run time.
/// </summary>
internal static class TerminalSpeed
{
    private static readonly Lazy<Version> LibcVersionLazy = new(ReadLibcVersion);

    private static readonly Dictionary<int, uint> LegacyCodes = new()
    {
        [50] = 0x1, [75] = 0x2, [110] = 0x3, [134] = 0x4, [150] = 0x5, [200] = 0x6, [300] = 0x7,
        [600] = 0x8, [1200] = 0x9, [1800] = 0xA, [2400] = 0xB, [4800] = 0xC, [9600] = 0xD,
        [19200] = 0xE, [38400] = 0xF,
        [57600] = 0x1001, [115200] = 0x1002, [230400] = 0x1003, [460800] = 0x1004,
        [500000] = 0x1005, [576000] = 0x1006, [921600] = 0x1007, [1000000] = 0x1008,
        [1152000] = 0x1009, [1500000] = 0x100A, [2000000] = 0x100B, [2500000] = 0x100C,
        [3000000] = 0x100D, [3500000] = 0x100E, [4000000] = 0x100F,
    };

    /// <summary>The C library's version (gnu_get_libc_version).</summary>
    internal static Version LibcVersion => LibcVersionLazy.Value;

    /// <summary>True when <c>speed_t</c> values are plain baud rates (glibc ≥ 2.42).</summary>
    internal static bool UsesPlainNumbers => UsesPlainNumbersFor(LibcVersion);

    internal static bool UsesPlainNumbersFor(Version libcVersion) => libcVersion >= new Version(2, 42);

    internal static uint ToNative(int baudRate) => ToNative(baudRate, UsesPlainNumbers);

    internal static uint ToNative(int baudRate, bool plainNumbers)
    {
        if (!LegacyCodes.TryGetValue(baudRate, out var code))
        {
            throw new ArgumentOutOfRangeException(nameof(baudRate), baudRate, "not a standard baud rate (50 … 4000000)");
        }
        return plainNumbers ? (uint)baudRate : code;
    }

    private static Version ReadLibcVersion()
    {
        var text = Marshal.PtrToStringUTF8(NativeMethods.GetLibcVersion()) ?? "0.0";
        var parts = text.Split('.');
        var major = parts.Length > 0 && int.TryParse(parts[0], out var m) ? m : 0;
        var minor = parts.Length > 1 && int.TryParse(parts[1], out var n) ? n : 0;
        return new Version(major, minor);
    }
}
