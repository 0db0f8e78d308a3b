using System.Net.Sockets;
using System.Text;

namespace EdgeGate.Gateway.Hosting;

/// <summary>
/// sd_notify(3) over the datagram socket systemd names in $NOTIFY_SOCKET: READY, STATUS, WATCHDOG
/// and STOPPING. Without that variable (not under systemd) every call does nothing.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? socket;
    private readonly UnixDomainSocketEndPoint? endPoint;

    public SystemdNotifier()
        : this(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"))
    {
    }

    public SystemdNotifier(string? notifySocket)
    {
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }
        // A leading '@' names a socket in the abstract namespace.
        var path = notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket;
        endPoint = new UnixDomainSocketEndPoint(path);
        socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    public bool IsEnabled => socket is not null;

    /// <summary>The watchdog interval systemd expects pings within ($WATCHDOG_USEC), or null.</summary>
    public static TimeSpan? WatchdogInterval()
    {
        var text = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!long.TryParse(text, out var microseconds) || microseconds <= 0)
        {
            return null;
        }
        if (int.TryParse(pid, out var watchdogPid) && watchdogPid != Environment.ProcessId)
        {
            return null;
        }
        return TimeSpan.FromMicroseconds(microseconds);
    }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Watchdog() => Send("WATCHDOG=1");

    public void Stopping() => Send("STOPPING=1");

    private void Send(string message)
    {
        if (socket is null || endPoint is null)
        {
            return;
        }
        try
        {
            socket.SendTo(Encoding.UTF8.GetBytes(message), endPoint);
        }
        catch (SocketException)
        {
            // systemd gone (shutdown) or the socket vanished: nothing useful to do about it here.
        }
    }

    public void Dispose() => socket?.Dispose();
}
