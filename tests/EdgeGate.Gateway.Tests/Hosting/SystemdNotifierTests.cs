using System.Net.Sockets;
using System.Text;
using EdgeGate.Gateway.Hosting;

namespace EdgeGate.Gateway.Tests.Hosting;

public sealed class SystemdNotifierTests
{
    [Fact]
    public void Messages_arrive_on_the_notify_socket_as_systemd_expects_them()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgegate-notify-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.ReceiveTimeout = 2000;
        try
        {
            using var notifier = new SystemdNotifier(path);
            notifier.Ready("2 cameras, 1 door");
            notifier.Watchdog();
            notifier.Stopping();

            var buffer = new byte[256];
            string Next() => Encoding.UTF8.GetString(buffer, 0, listener.Receive(buffer));
            Assert.Equal("READY=1\nSTATUS=2 cameras, 1 door", Next());
            Assert.Equal("WATCHDOG=1", Next());
            Assert.Equal("STOPPING=1", Next());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Without_systemd_nothing_is_sent_and_nothing_fails()
    {
        using var notifier = new SystemdNotifier(notifySocket: null);

        notifier.Ready("demo");
        notifier.Watchdog();

        Assert.False(notifier.IsEnabled);
    }
}
