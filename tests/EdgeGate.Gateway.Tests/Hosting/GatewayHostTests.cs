using System.Net;
using System.Net.Sockets;
using EdgeGate.Configuration;
using EdgeGate.Gateway.Hosting;
using Serilog.Events;

namespace EdgeGate.Gateway.Tests.Hosting;

/// <summary>The gateway host as a whole.</summary>
public sealed class GatewayHostTests : IDisposable
{
    /// <summary>Where ASP.NET Core's web host listens when nobody names an address.</summary>
    private const int WebHostDefaultPort = 5000;

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-host-").FullName;

    [Fact]
    public async Task With_the_api_switched_off_the_gateway_opens_no_http_port_and_starts_where_the_web_default_port_is_taken()
    {
        // Hold the web host's default port, as another program on the box might.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            other.Bind(new IPEndPoint(IPAddress.Loopback, WebHostDefaultPort));
            other.Listen();
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // Something on this machine holds it already: the condition under test holds anyway.
        }
        var settings = new EdgeGateSettings
        {
            Gateway = new GatewayOptions
            {
                SiteId = "host-site",
                GatewayId = "host-gate",
                DataDirectory = Path.Combine(directory, "data"),
                CredentialsDirectory = Path.Combine(directory, "credentials"),
                LogDirectory = Path.Combine(directory, "logs"),
            },
            Uplink = new UplinkOptions { Enabled = false },
            Api = new ApiOptions { Enabled = false },
        };
        var app = GatewayHost.Build(settings, consoleLevel: LogEventLevel.Warning);
        await using (app)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // Kestrel on its default address would fail here with "address already in use".
            await app.StartAsync(bound.Token);
            Assert.Empty(app.Urls);
            await app.StopAsync(bound.Token);
        }
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
