using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Gateway.Tests.Live;
using EdgeGate.Gateway.Uplink;
using EdgeGate.Gateway.Uplink.Commands;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Peers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Uplink;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UplinkCpuCollection
{
    public const string Name = "uplink CPU (runs alone: measures process CPU)";
}

/// <summary>
/// With TLS configured and the platform broker down, the uplink must cost next to no CPU and log why
/// it is not connected in plain words (a whole core per connection attempt and "Unknown error" were
/// seen before). Three ways a broker can be down: nothing listens, something accepts the connection
/// and closes it, something accepts it and never answers the TLS hello.
/// </summary>
[Collection(UplinkCpuCollection.Name)]
public sealed class UplinkBrokerDownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-down-").FullName;
    private TemplateKey key = null!;
    private EdgeGateDatabase database = null!;

    public Task InitializeAsync()
    {
        key = new TemplateKey(new byte[TemplateKey.LengthBytes]);
        database = EdgeGateDatabase.Open(new StorageOptions { DatabasePath = Path.Combine(directory, "db") }, key);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        key.Dispose();
        Directory.Delete(directory, recursive: true);
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
        using var service = new UplinkService(
            () => new SupervisedMqttClient(options),
            database,
            new UplinkTopics(UplinkTestBed.Site, UplinkTestBed.Gateway),
            new UplinkSessionOptions(),
            new PlatformCommandDispatcher(UplinkServiceCollectionExtensions.StandardHandlers(database, new TemplateSettings("", 8), TimeProvider.System),
                database, 4096, TimeProvider.System, NullLogger<PlatformCommandDispatcher>.Instance),
            TimeProvider.System,
            loggerFactory);
        await service.StartAsync(CancellationToken.None);
        try
        {
            // The first attempts compile the code on the way; the window measures the retrying that follows.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var attemptsBefore = peer.Accepted;
            var cpu = ProcessCpu.Start();
            await Task.Delay(Window);
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

    public enum BrokerDown
    {
        NothingListens,
        ClosesAtOnce,
        NeverAnswersTls,
    }

    private string WriteCaFile()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=EdgeGate Test CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(directory, "ca.crt");
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
