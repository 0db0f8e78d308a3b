using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeGate.Devices.Mqtt;
using EdgeGate.TestSupport;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;
using static EdgeGate.Devices.Tests.Mqtt.MqttTestClients;

namespace EdgeGate.Devices.Tests.Mqtt;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MqttTimingCollection
{
    public const string Name = "MQTT timing (runs alone: measures process CPU and throughput)";
}

/// <summary>Measurements that need the process to themselves, and acknowledgement failures.</summary>
[Collection(MqttTimingCollection.Name)]
public sealed class SupervisedMqttClientTimingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Broker_down_for_half_a_minute_the_client_is_connected_again_within2s_of_its_return()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var changes = new List<(TimeSpan At, MqttConnectionState State)>();
        var clock = Stopwatch.StartNew();
        await using var client = new SupervisedMqttClient(PlainOptions(broker, "outage"));
        client.ConnectionStateChanged += (_, change) =>
        {
            lock (changes)
            {
                changes.Add((clock.Elapsed, change.State));
            }
        };
        await client.ConnectAsync(Bounded());
        await client.SubscribeAsync("outage/#", MqttQualityOfService.AtLeastOnce, Bounded());

        broker.Kill();
        await WaitForStateAsync(client, MqttConnectionState.Reconnecting);
        // The outage itself is what is tested: 25 s, under the minute in which retries stay quick.
        await Quiet.ForAsync(TimeSpan.FromSeconds(25), "the outage", () => client.State != MqttConnectionState.Reconnecting);
        Assert.Equal(MqttConnectionState.Reconnecting, client.State);
        await broker.RestartAsync();
        var back = clock.Elapsed;
        await WaitForStateAsync(client, MqttConnectionState.Connected, TimeSpan.FromSeconds(35));
        TimeSpan connectedAt;
        lock (changes)
        {
            connectedAt = changes.Last(change => change.State == MqttConnectionState.Connected).At;
        }

        var took = connectedAt - back;
        output.WriteLine($"broker listening again at {back.TotalSeconds:0.000} s, client connected (subscriptions renewed) {took.TotalMilliseconds:0} ms later");
        Assert.True(took < TimeSpan.FromSeconds(2), $"reconnected {took.TotalMilliseconds:0} ms after the broker came back");
        // Renewed on the restarted broker (it kept no session): a message on the filter arrives.
        await using var platform = await ConnectedAsync(PlainOptions(broker, "platform"));
        await platform.PublishAsync("outage/over", "1"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        Assert.Equal("1"u8.ToArray(), (await ReceiveOnAsync(client, "outage/over")).Payload.ToArray());
    }

    [Fact]
    public async Task Idle_connected_client_uses_little_cpu()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(PlainOptions(broker, "idle"));
        await client.SubscribeAsync("idle/#", MqttQualityOfService.AtLeastOnce, Bounded());
        await client.PublishAsync("idle/warm-up", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        await ReceiveAsync(client);
        await Quiet.ForAsync(TimeSpan.FromSeconds(1), "the JIT's background tiering of start-up code to settle");

        var cpu = ProcessCpu.Start();
        await Quiet.ForAsync(TimeSpan.FromSeconds(2), "the idle period measured");
        var (used, compiler, threads) = cpu.Stop();
        foreach (var thread in threads)
        {
            output.WriteLine(thread);
        }

        output.WriteLine($"process CPU over 2 s idle and connected: {used.TotalMilliseconds:0} ms, of which JIT tiering {compiler.TotalMilliseconds:0} ms");
        Assert.True(client.IsConnected);
        // The JIT's tiering thread belongs to the runtime, not to the client (run alone, right after start-up,
        // it compiled for 250–400 ms of this window; with DOTNET_TieredCompilation=0 the whole process used
        // 15 ms). A busy loop in the client would show in the other threads.
        Assert.True(used - compiler < TimeSpan.FromSeconds(0.3), $"{(used - compiler).TotalMilliseconds:0} ms of CPU in 2 s idle");
    }

    [Fact]
    public async Task Qos1_throughput_is_measured()
    {
        const int count = 5_000;
        const int window = 64;
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(PlainOptions(broker, "bench"));
        var payload = new byte[200];

        var stopwatch = Stopwatch.StartNew();
        var inFlight = new Queue<Task>();
        for (var index = 0; index < count; index++)
        {
            if (inFlight.Count == window)
            {
                await inFlight.Dequeue();
            }
            inFlight.Enqueue(client.PublishAsync("bench/events", payload, MqttQualityOfService.AtLeastOnce, retain: false, Bounded()));
        }
        await Task.WhenAll(inFlight);
        stopwatch.Stop();

        var rate = count / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"{count} QoS 1 publishes (200 B, {window} in flight) acknowledged in {stopwatch.ElapsedMilliseconds} ms: {rate:0} msg/s");
        Assert.True(rate > 1_000, $"{rate:0} msg/s");
    }

    [Fact]
    public async Task Pending_qos1_publish_fails_clearly_when_the_connection_is_lost()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // A broker that accepts the connection, never acknowledges a publish and then drops the connection.
        var fakeBroker = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(Bounded());
            await using var stream = new NetworkStream(socket);
            await ReadPacketAsync(stream); // CONNECT
            await stream.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 }, Bounded()); // CONNACK accepted
            while ((await ReadPacketAsync(stream) & 0xF0) != 0x30)
            {
                // Skip everything up to the PUBLISH.
            }
            socket.Close();
        });
        await using var client = await ConnectedAsync(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = NewClientId("lost"),
            ConnectTimeout = WaitLimit,
            OperationTimeout = WaitLimit,
        });

        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("events", "1"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded()));
        await fakeBroker;

        output.WriteLine(error.Message);
        Assert.Contains("connection lost", error.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"failed after {started.Elapsed}");
    }

    [Fact]
    public async Task Unacknowledged_qos1_publish_times_out()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource(WaitLimit);
        var fakeBroker = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(stop.Token);
            await using var stream = new NetworkStream(socket);
            await ReadPacketAsync(stream);
            await stream.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 }, stop.Token);
            try
            {
                while (true)
                {
                    await ReadPacketAsync(stream, stop.Token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or EndOfStreamException)
            {
                // The test is over.
            }
        });
        await using var client = await ConnectedAsync(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = NewClientId("noack"),
            ConnectTimeout = WaitLimit,
            OperationTimeout = TimeSpan.FromMilliseconds(500),
        });

        var error = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("events", "1"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded()));
        await client.DisposeAsync();
        await stop.CancelAsync();
        await fakeBroker;

        Assert.Contains("not acknowledged within", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Reads one MQTT control packet and returns its first byte.</summary>
    private static Task<byte> ReadPacketAsync(NetworkStream stream, CancellationToken cancellationToken = default) =>
        MqttTestClients.ReadPacketAsync(stream, cancellationToken == default ? Bounded() : cancellationToken);
}
