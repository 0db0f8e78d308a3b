using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGate.Core;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Gateway.Tests.Live;
using EdgeGate.Uplink;
using EdgeGate.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Peers;
using EdgeGate.TestSupport.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UplinkConnectionCollection
{
    public const string Name = "uplink connection (runs alone: counts attempts and measures process CPU)";
}

/// <summary>
/// How the uplink meets a broker it cannot use: wrong credentials stop it with a clear error; a wrong CA
/// is reported and retried slowly, never in a hot loop; with TLS configured and the broker down it costs
/// next to no CPU and logs why in plain words (a whole core per connection attempt and "Unknown error"
/// were seen before). Three ways a broker can be down: nothing listens, something accepts the connection
/// and closes it, something accepts it and never answers the TLS hello.
/// </summary>
[Collection(UplinkConnectionCollection.Name)]
public sealed class UplinkConnectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private TestDatabase test = null!;
    private EdgeGateDatabase database = null!;

    public async Task InitializeAsync()
    {
        test = await TestDatabase.OpenNewAsync(time: TimeProvider.System);
        database = test.Db;
    }

    public async Task DisposeAsync() => await test.DisposeAsync();

    public enum BrokerDown
    {
        NothingListens,
        ClosesAtOnce,
        NeverAnswersTls,
    }

    private UplinkService Service(MqttClientOptions options, ILoggerFactory? loggerFactory = null) => new(
        () => new SupervisedMqttClient(options),
        database,
        new UplinkTopics(UplinkTestBed.Site, UplinkTestBed.Gateway),
        new UplinkSessionOptions(),
        new PlatformCommandDispatcher(UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("", 8), TimeProvider.System),
            database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance),
        TimeProvider.System,
        loggerFactory ?? NullLoggerFactory.Instance);

    [Fact]
    public void The_password_comes_from_the_credentials_directory_and_a_widely_readable_one_is_refused()
    {
        var credentials = Path.Combine(test.Folder, "credentials");
        var uplink = new EdgeGate.Configuration.UplinkOptions { Enabled = true, Host = "127.0.0.1", Username = "gw-1" };
        var gateway = new EdgeGate.Configuration.GatewayOptions { SiteId = UplinkTestBed.Site, GatewayId = UplinkTestBed.Gateway };
        Assert.Null(UplinkConnection.CreateOptions(uplink, gateway, credentials).Password);

        Assert.True(CredentialFile.WriteText(credentials, UplinkConnection.PasswordFileName, "s3cret pass", overwrite: false));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(credentials, UplinkConnection.PasswordFileName)));
        Assert.Equal("s3cret pass", UplinkConnection.CreateOptions(uplink, gateway, credentials).Password);

        File.SetUnixFileMode(Path.Combine(credentials, UplinkConnection.PasswordFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var refused = Assert.Throws<CredentialFileException>(() => UplinkConnection.CreateOptions(uplink, gateway, credentials));
        Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_stops_the_uplink_with_a_clear_error_and_no_retries()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = new Dictionary<string, string> { ["gw-1"] = "right" } });
        var options = UplinkTestBed.ClientOptions(broker.Port, "gw-wrong-password");
        var service = Service(new MqttClientOptions
        {
            Host = options.Host, Port = options.Port, ClientId = options.ClientId, Username = "gw-1", Password = "wrong",
        });
        using var stop = new CancellationTokenSource();
        await service.StartAsync(stop.Token);
        try
        {
            await UplinkDeliveryTests.WaitUntilAsync(() => Task.FromResult(service.Status.State == MqttConnectionState.Faulted), "the uplink gave up");
            await Quiet.ForAsync(TimeSpan.FromSeconds(4), "no retry after the refused login", () => broker.CountLogLines("New connection from") > 2);

            var status = service.Status;
            output.WriteLine($"state {status.State}: {status.LastError}; connection attempts {broker.CountLogLines("New connection from")}");
            Assert.Equal(MqttConnectionState.Faulted, status.State);
            Assert.Contains("not authori", status.LastError, StringComparison.OrdinalIgnoreCase);
            Assert.InRange(broker.CountLogLines("New connection from"), 1, 2);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }

    [Fact]
    public async Task Wrong_ca_is_reported_and_retried_with_backoff_not_hot()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        var unrelated = await broker.CreateUnrelatedCaCertificateAsync();
        var service = Service(new MqttClientOptions
        {
            Host = MosquittoBroker.Host, Port = broker.TlsPort!.Value, ClientId = "gw-wrong-ca", CaCertificatePath = unrelated,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            Reconnect = new RetryPacing(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(4)),
        });
        using var stop = new CancellationTokenSource();
        await service.StartAsync(stop.Token);
        try
        {
            await Quiet.ForAsync(TimeSpan.FromSeconds(8), "retries with backoff, not hot", () => broker.CountLogLines("New connection from") > 6);

            var status = service.Status;
            var attempts = broker.CountLogLines("New connection from");
            output.WriteLine($"state {status.State}: {status.LastError}; {attempts} connection attempts in 8 s");
            Assert.NotEqual(MqttConnectionState.Connected, status.State);
            Assert.False(string.IsNullOrEmpty(status.LastError));
            Assert.InRange(attempts, 1, 6);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }

    [Theory]
    [InlineData(BrokerDown.NothingListens)]
    [InlineData(BrokerDown.ClosesAtOnce)]
    [InlineData(BrokerDown.NeverAnswersTls)]
    public async Task With_TLS_and_the_broker_down_the_uplink_uses_under_5_percent_of_a_core_and_logs_why(BrokerDown down)
    {
        using var peer = new DownBroker(down);
        var options = new MqttClientOptions
        {
            Host = MosquittoBroker.Host,
            Port = peer.Port,
            ClientId = "gw-down",
            CaCertificatePath = WriteCaFile(),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            OperationTimeout = TimeSpan.FromSeconds(2),
        };
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var service = Service(options, loggerFactory);
        await service.StartAsync(CancellationToken.None);
        try
        {
            // The first attempts compile the code on the way; the window measures the retrying that follows.
            await Quiet.ForAsync(TimeSpan.FromSeconds(3), "the first attempts to compile the code on the way");
            var attemptsBefore = peer.Accepted;
            var cpu = ProcessCpu.Start();
            await Quiet.ForAsync(Window, "the measured window of retrying");
            var (used, jitTiering, threads) = cpu.Stop();

            var share = (used - jitTiering) / Window;
            var reason = down switch
            {
                BrokerDown.NothingListens => $"connection refused by 127.0.0.1:{peer.Port}",
                BrokerDown.ClosesAtOnce => $"TLS handshake failed: 127.0.0.1:{peer.Port} closed the connection (is this the broker's TLS port?)",
                _ => $"127.0.0.1:{peer.Port} did not answer within 2 s",
            };
            var warnings = logs.Lines.Where(line => line.Level >= LogLevel.Warning).Select(line => $"{line.Level} {line.EventId}: {line.Message}").ToList();
            output.WriteLine($"{down}: {used.TotalMilliseconds:0} ms CPU in {Window.TotalSeconds:0} s ({share:P1} of a core without {jitTiering.TotalMilliseconds:0} ms of JIT tiering); " +
                $"{peer.Accepted - attemptsBefore} TCP connections accepted in the window; state {service.Status.State}: {service.Status.LastError}");
            foreach (var line in warnings.Concat(threads))
            {
                output.WriteLine(line);
            }
            Assert.Equal(MqttConnectionState.Connecting, service.Status.State);
            Assert.Equal(reason, service.Status.LastError);
            Assert.Contains(warnings, line => line.StartsWith($"Warning 8021: Uplink not connected yet (not connected to 127.0.0.1:{peer.Port} within 3 s: {reason} (still retrying))", StringComparison.Ordinal));
            Assert.True(share < 0.05, $"{share:P1} of a core");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private string WriteCaFile()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=EdgeGate Test CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(test.Folder, "ca.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>A loopback port standing for a down broker; counts the TCP connections it accepted.</summary>
    private sealed class DownBroker : IDisposable
    {
        private readonly TcpListener? listener;
        private readonly CancellationTokenSource stop = new();
        private readonly List<Socket> held = [];
        private int accepted;

        public DownBroker(BrokerDown down)
        {
            if (down == BrokerDown.NothingListens)
            {
                Port = PeerProcess.FreeTcpPort();
                return;
            }
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _ = AcceptAsync(down);
        }

        public int Port { get; }

        public int Accepted => Volatile.Read(ref accepted);

        public void Dispose()
        {
            stop.Cancel();
            listener?.Stop();
            lock (held)
            {
                held.ForEach(socket => socket.Dispose());
            }
            stop.Dispose();
        }

        private async Task AcceptAsync(BrokerDown down)
        {
            try
            {
                while (true)
                {
                    var socket = await listener!.AcceptSocketAsync(stop.Token);
                    Interlocked.Increment(ref accepted);
                    if (down == BrokerDown.ClosesAtOnce)
                    {
                        // FIN right away; closing the socket outright would answer the client's hello with a reset instead.
                        socket.Shutdown(SocketShutdown.Send);
                    }
                    lock (held)
                    {
                        held.Add(socket);
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
