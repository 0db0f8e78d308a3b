using EdgeGate.Devices.Interop.Termios;
using EdgeGate.Devices.Serial;

namespace EdgeGate.Gateway.Doctor;

/// <summary>Opens a configured serial device the way its driver does, or says in plain words why it cannot.</summary>
internal static class SerialDeviceProbe
{
    private const int PermissionDenied = 13;
    private const int DeviceBusy = 16;
    private const int NotATerminal = 25;

    /// <summary>The open line, or the failure to report (never both).</summary>
    /// <param name="subject">The finding's subject ("door turnstile-in").</param>
    /// <param name="key">The configuration key of the port ("Doors:0:ModbusRtu:Port").</param>
    public static (SerialPortStream? Stream, DoctorFinding? Failure) TryOpen(string subject, string key, string path, int baudRate)
    {
        // A udev link whose adapter is unplugged, or a pty whose other end is gone, dangles: both "no such device".
        if (!File.Exists(path))
        {
            return (null, DoctorFinding.Failure(subject, $"no such serial device {path}",
                $"plug in the adapter and look for it with: ls -l /dev/serial/by-id/; then set {key} to it " +
                "(or install the udev rule example from /etc/udev/rules.d/ for a stable /dev/edgegate-* name and replug)"));
        }
        try
        {
            return (SerialPortStream.Open(path, baudRate), null);
        }
        catch (SerialPortException exception)
        {
            return (null, exception.ErrorNumber switch
            {
                PermissionDenied => DoctorFinding.Failure(subject, $"no permission to open {path}",
                    "add the service user to the dialout group (install.sh does), and run doctor as that user: sudo -u edgegate edgegate doctor ..."),
                DeviceBusy => DoctorFinding.Failure(subject, $"{path} is busy (another program holds it)",
                    "stop the program using it (fuser -v " + path + "), e.g. the gateway service: systemctl stop edgegate"),
                NotATerminal => DoctorFinding.Failure(subject, $"{path} is not a serial device",
                    $"set {key} to the serial adapter (ls -l /dev/serial/by-id/)"),
                _ => DoctorFinding.Failure(subject, $"cannot open {path}: {exception.Message}",
                    "unplug and replug the adapter; check dmesg for USB errors"),
            });
        }
        catch (ArgumentOutOfRangeException)
        {
            return (null, DoctorFinding.Failure(subject, $"{baudRate} is not a standard baud rate",
                "use the rate printed in the device's manual, usually 9600, 19200 or 115200"));
        }
    }
}
