using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeGate.Devices.Mqtt;
using EdgeGate.TestSupport.Peers;
using static EdgeGate.Devices.Tests.Mqtt.MqttTestClients;

namespace EdgeGate.Devices.Tests.Mqtt;

/// <summary>SupervisedMqttClient against a real mosquitto broker on 127.0.0.1.</summary>
public sealed class SupervisedMqttClientTests
{
    [Fact]
    public async Task Publish_and_subscribe_round_trips_qos0_and_qos1()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(PlainOptions(broker, "roundtrip"));

        Assert.True(client.IsConnected);
        await client.SubscribeAsync("gate/+/event", MqttQualityOfService.AtLeastOnce, Bounded());
        await client.PublishAsync("gate/1/event", "qos0"u8.ToArray(), MqttQualityOfService.AtMostOnce, retain: false, Bounded());
        await client.PublishAsync("gate/2/event", "qos1"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());

        var first = await ReceiveAsync(client);
        var second = await ReceiveAsync(client);
        Assert.Equal(("gate/1/event", "qos0", MqttQualityOfService.AtMostOnce, false), (first.Topic, Encoding.UTF8.GetString(first.Payload.Span), first.QualityOfService, first.Retain));
        Assert.Equal(("gate/2/event", "qos1", MqttQualityOfService.AtLeastOnce, false), (second.Topic, Encoding.UTF8.GetString(second.Payload.Span), second.QualityOfService, second.Retain));
        Assert.Equal(1, await broker.WaitForLogLinesAsync("New client connected", 1, WaitLimit));
        await Quiet.ForAsync(TimeSpan.FromMilliseconds(200), "no second connection", () => broker.CountLogLines("New client connected") > 1);
        Assert.Equal(1, broker.CountLogLines("New client connected"));
    }

    [Fact]
    public async Task Broker_started_after_the_client_client_connects_when_it_comes()
    {
        using var broker = await MosquittoBroker.StartAsync();
        broker.Kill();
        await using var client = new SupervisedMqttClient(PlainOptions(broker, "early"));

        var connecting = client.ConnectAsync(Bounded());
        await Quiet.ForAsync(TimeSpan.FromSeconds(1.5), "no connection while the broker is down", () => connecting.IsCompleted);
        Assert.False(connecting.IsCompleted);
        Assert.Equal(MqttConnectionState.Connecting, client.State);
        await broker.RestartAsync();
        await connecting;

        await client.PublishAsync("late/start", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Dispose_while_reconnecting_is_quick()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var client = await ConnectedAsync(PlainOptions(broker, "down"));
        broker.Kill();
        await WaitForStateAsync(client, MqttConnectionState.Reconnecting);
        await Quiet.ForAsync(TimeSpan.FromSeconds(1.5), "the supervisor waiting before its next attempt", () => client.State != MqttConnectionState.Reconnecting);

        var stopwatch = Stopwatch.StartNew();
        await client.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {stopwatch.Elapsed}");
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task Disconnect_then_connect_works_again_with_the_same_subscriptions()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(PlainOptions(broker, "again"));
        await client.SubscribeAsync("again/#", MqttQualityOfService.AtLeastOnce, Bounded());

        await client.DisconnectAsync(Bounded());
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
        await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("again/x", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, false, Bounded()));
        await client.ConnectAsync(Bounded());
        await WaitForStateAsync(client, MqttConnectionState.Connected);
        var delivered = false;
        for (var attempt = 0; attempt < 20 && !delivered; attempt++)
        {
            await client.PublishAsync("again/x", "back"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
            try
            {
                delivered = (await ReceiveOnAsync(client, "again/x", TimeSpan.FromMilliseconds(250))).Payload.Span.SequenceEqual("back"u8);
            }
            catch (TimeoutException)
            {
                // The renewed subscription's SUBACK may still be on its way.
            }
        }

        Assert.True(delivered);
        Assert.Equal(2, await broker.WaitForLogLinesAsync("New client connected", 2, WaitLimit));
    }

    [Fact]
    public async Task Retained_qos1_message_reaches_a_later_subscriber()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using (var publisher = await ConnectedAsync(PlainOptions(broker, "retain-pub")))
        {
            await publisher.PublishAsync("gateway/7/ack", "41"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true, Bounded());
        }

        await using var subscriber = await ConnectedAsync(PlainOptions(broker, "retain-sub"));
        await subscriber.SubscribeAsync("gateway/7/ack", MqttQualityOfService.AtLeastOnce, Bounded());
        var message = await ReceiveAsync(subscriber);

        Assert.Equal("gateway/7/ack", message.Topic);
        Assert.Equal("41"u8.ToArray(), message.Payload.ToArray());
        Assert.True(message.Retain);
    }

    [Fact]
    public async Task Utf8_topic_and_payload_arrive_byte_identical()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(PlainOptions(broker, "utf8"));
        const string topic = "门禁/事件/🚪";
        var payload = Encoding.UTF8.GetBytes("{\"name\":\"张伟\",\"result\":\"开门 ✅\",\"mood\":\"😀\"}");

        await client.SubscribeAsync("门禁/事件/#", MqttQualityOfService.AtLeastOnce, Bounded());
        await client.PublishAsync(topic, payload, MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        var message = await ReceiveAsync(client);

        Assert.Equal(Encoding.UTF8.GetBytes(topic), Encoding.UTF8.GetBytes(message.Topic));
        Assert.Equal(payload, message.Payload.ToArray());
    }

    [Fact]
    public async Task Binary_and_empty_payloads_arrive_intact()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(PlainOptions(broker, "binary"));
        var binary = new byte[70_000];
        for (var index = 0; index < binary.Length; index++)
        {
            binary[index] = index % 3 == 0 ? (byte)0 : (byte)(index * 7);
        }

        await client.SubscribeAsync("bin/#", MqttQualityOfService.AtLeastOnce, Bounded());
        await client.PublishAsync("bin/large", binary, MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        await client.PublishAsync("bin/zeros", new byte[] { 0, 0, 0, 1, 0 }, MqttQualityOfService.AtMostOnce, retain: false, Bounded());
        await client.PublishAsync("bin/empty", ReadOnlyMemory<byte>.Empty, MqttQualityOfService.AtLeastOnce, retain: false, Bounded());

        Assert.Equal(binary, (await ReceiveOnAsync(client, "bin/large")).Payload.ToArray());
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0 }, (await ReceiveOnAsync(client, "bin/zeros")).Payload.ToArray());
        Assert.Equal(0, (await ReceiveOnAsync(client, "bin/empty")).Payload.Length);
    }

    [Fact]
    public async Task Tls_with_the_generated_ca_round_trips()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        var options = PlainOptions(broker, "tls");
        await using var client = await ConnectedAsync(new MqttClientOptions
        {
            Host = options.Host,
            Port = broker.TlsPort!.Value,
            ClientId = options.ClientId,
            CaCertificatePath = broker.CaCertificatePath,
        });

        await client.SubscribeAsync("secure/#", MqttQualityOfService.AtLeastOnce, Bounded());
        await client.PublishAsync("secure/event", "over tls"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());

        Assert.Equal("over tls"u8.ToArray(), (await ReceiveAsync(client)).Payload.ToArray());
    }

    [Fact]
    public async Task Tls_with_client_certificate_connects()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true, RequireClientCertificate = true });
        await using var client = await ConnectedAsync(new MqttClientOptions
        {
            Host = MosquittoBroker.Host,
            Port = broker.TlsPort!.Value,
            ClientId = NewClientId("mtls"),
            CaCertificatePath = broker.CaCertificatePath,
            ClientCertificatePath = broker.ClientCertificatePath,
            ClientKeyPath = broker.ClientKeyPath,
            ConnectTimeout = WaitLimit,
        });

        await client.PublishAsync("secure/mtls", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Tls_with_a_wrong_ca_reports_the_certificate_error_without_a_hot_retry_loop()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        var wrongCa = await broker.CreateUnrelatedCaCertificateAsync();
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = MosquittoBroker.Host,
            Port = broker.TlsPort!.Value,
            ClientId = NewClientId("wrongca"),
            CaCertificatePath = wrongCa,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });

        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(Bounded()));
        await Quiet.ForAsync(TimeSpan.FromSeconds(4) - started.Elapsed, "no hot retry loop in the first 4 s", () => broker.CountLogLines("New connection from") > 8);
        var attempts = broker.CountLogLines("New connection from");

        Assert.Contains($"TLS handshake failed: the broker's certificate (CN=127.0.0.1, issued by CN=EdgeGate Test CA) is not signed by a CA in {wrongCa}", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("TLS handshake failed: the broker's certificate", client.LastError, StringComparison.Ordinal);
        Assert.Equal(MqttConnectionState.Connecting, client.State);
        // RetryPacing.Broker waits 0.25, 0.5, 1, 1.5, 1.5 s, each jittered to between half and all of it:
        // 5 to 8 attempts in the first 4 s (4 when the first ones are slow); a hot loop makes hundreds.
        Assert.InRange(attempts, 4, 8);
    }

    [Fact]
    public async Task Tls_with_a_host_name_the_certificate_does_not_name_reports_the_name()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = "localhost",
            Port = broker.TlsPort!.Value,
            ClientId = NewClientId("wronghost"),
            CaCertificatePath = broker.CaCertificatePath,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });

        var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(Bounded()));

        // The certificate names 127.0.0.1 only (CN and SAN): the CA is right, the name is not.
        Assert.Contains("TLS handshake failed: the broker's certificate (CN=127.0.0.1) is not issued for 'localhost'", error.Message, StringComparison.Ordinal);
        Assert.Equal(MqttConnectionState.Connecting, client.State);
    }

    [Fact]
    public async Task Plain_client_on_the_tls_port_says_so_in_plain_words()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = true });
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = MosquittoBroker.Host,
            Port = broker.TlsPort!.Value,
            ClientId = NewClientId("plain-on-tls"),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });

        var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(Bounded()));

        Assert.Contains($"127.0.0.1:{broker.TlsPort} closed the connection without answering the MQTT CONNECT (a TLS port? then set the CA file)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_faults_with_the_broker_reason_and_stops_retrying()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Users = new Dictionary<string, string> { ["gateway-7"] = "correct horse" },
        });
        var states = new List<MqttConnectionState>();
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = MosquittoBroker.Host,
            Port = broker.Port,
            ClientId = NewClientId("badpass"),
            Username = "gateway-7",
            Password = "wrong",
            ConnectTimeout = WaitLimit,
        });
        client.ConnectionStateChanged += (_, change) =>
        {
            lock (states)
            {
                states.Add(change.State);
            }
        };

        var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(Bounded()));
        await Quiet.ForAsync(TimeSpan.FromSeconds(3), "no retry after a refused login", () => broker.CountLogLines("New connection from") > 1);

        Assert.Contains("not authorised", error.Message, StringComparison.Ordinal);
        Assert.Equal(MqttConnectionState.Faulted, client.State);
        Assert.Contains("not authorised", client.LastError, StringComparison.Ordinal);
        Assert.Equal(1, await broker.WaitForLogLinesAsync("New connection from", 1, WaitLimit));
        lock (states)
        {
            Assert.Equal([MqttConnectionState.Connecting, MqttConnectionState.Faulted], states);
        }
        await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("t", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, false, Bounded()));
    }

    [Fact]
    public async Task Right_password_connects()
    {
        using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Users = new Dictionary<string, string> { ["gateway-7"] = "correct horse", ["platform"] = "other" },
        });
        var options = PlainOptions(broker, "goodpass");
        await using var client = await ConnectedAsync(new MqttClientOptions
        {
            Host = options.Host,
            Port = options.Port,
            ClientId = options.ClientId,
            Username = "gateway-7",
            Password = "correct horse",
        });

        await client.PublishAsync("t", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Broker_killed_and_restarted_client_reconnects_and_resubscribes()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = new SupervisedMqttClient(PlainOptions(broker, "restart"));
        var changes = new List<MqttConnectionStateChangedEventArgs>();
        client.ConnectionStateChanged += (_, change) =>
        {
            lock (changes)
            {
                changes.Add(change);
            }
        };
        await client.ConnectAsync(Bounded());
        await client.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce, Bounded());

        broker.Kill();
        await WaitForStateAsync(client, MqttConnectionState.Reconnecting);
        await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("cmd/x", "lost"u8.ToArray(), MqttQualityOfService.AtLeastOnce, false, Bounded()));
        await broker.RestartAsync();
        await WaitForStateAsync(client, MqttConnectionState.Connected, TimeSpan.FromSeconds(15));

        // A clean session starts empty on the restarted broker: the message arrives only if the client resubscribed.
        await using var platform = await ConnectedAsync(PlainOptions(broker, "platform"));
        var delivered = false;
        for (var attempt = 0; attempt < 20 && !delivered; attempt++)
        {
            await platform.PublishAsync("cmd/unlock", "door-1"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
            try
            {
                var message = await ReceiveOnAsync(client, "cmd/unlock", TimeSpan.FromMilliseconds(250));
                delivered = message.Payload.Span.SequenceEqual("door-1"u8);
            }
            catch (TimeoutException)
            {
                // The SUBACK of the renewed subscription may still be on its way.
            }
        }
        Assert.True(delivered, $"no message after the restart; broker log:\n{broker.Log}");
        await client.PublishAsync("cmd/ack", "ok"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        lock (changes)
        {
            Assert.Equal(
                [MqttConnectionState.Connecting, MqttConnectionState.Connected, MqttConnectionState.Reconnecting, MqttConnectionState.Connected],
                changes.Select(change => change.State));
            // After a kill -9 MQTTnet reports a normal disconnection without an exception: the reason names the broker.
            Assert.Equal($"connection lost: 127.0.0.1:{broker.Port} closed the connection", changes[2].Reason);
        }
    }

    [Fact]
    public async Task A_protocol_error_is_retried_and_the_client_connects_once_a_real_broker_answers()
    {
        using var broker = await MosquittoBroker.StartAsync();
        broker.Kill();
        // An impostor on the broker's port answers every CONNECT with a PINGREQ, which a client must
        // never receive: a protocol error, after which MQTTnet gives up on that connection.
        using var impostor = new TcpListener(IPAddress.Loopback, broker.Port);
        impostor.Start();
        using var stopImpostor = new CancellationTokenSource();
        var accepted = 0;
        var impostorTask = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var socket = await impostor.AcceptSocketAsync(stopImpostor.Token);
                    Interlocked.Increment(ref accepted);
                    await using var stream = new NetworkStream(socket);
                    await ReadPacketAsync(stream, stopImpostor.Token); // CONNECT
                    await stream.WriteAsync(new byte[] { 0xC0, 0x00 }, stopImpostor.Token);
                    // The client closes the connection after the protocol error: read until it does.
                    var rest = new byte[16];
                    while (await stream.ReadAsync(rest, stopImpostor.Token) > 0)
                    {
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException)
            {
                // Stopped, or the client went away mid-packet.
            }
        });
        var plain = PlainOptions(broker, "recreate");
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = plain.Host,
            Port = plain.Port,
            ClientId = plain.ClientId,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            OperationTimeout = plain.OperationTimeout,
        });
        using var connectLimit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connecting = client.ConnectAsync(connectLimit.Token);

        // A second connection and the reason after it mean the supervisor tried again with a new MQTTnet client.
        var reason = $"127.0.0.1:{broker.Port} broke the MQTT protocol";
        await Eventually.UntilAsync(
            () => Volatile.Read(ref accepted) >= 2 && client.LastError?.StartsWith(reason, StringComparison.Ordinal) == true,
            WaitLimit,
            "a second connection to the impostor and the protocol error",
            () => $"{accepted} connection(s) to the impostor; last error: {client.LastError}");
        Assert.True(Volatile.Read(ref accepted) >= 2, $"{accepted} connection(s) to the impostor; last error: {client.LastError}");
        Assert.StartsWith(reason, client.LastError, StringComparison.Ordinal);
        Assert.False(connecting.IsCompleted);
        Assert.Equal(MqttConnectionState.Connecting, client.State);

        await stopImpostor.CancelAsync();
        impostor.Stop();
        await impostorTask.WaitAsync(WaitLimit);
        await broker.RestartAsync();

        await connecting;
        Assert.True(client.IsConnected);
        await client.SubscribeAsync("recreated/#", MqttQualityOfService.AtLeastOnce, Bounded());
        await client.PublishAsync("recreated/ok", "1"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
        Assert.Equal("1"u8.ToArray(), (await ReceiveOnAsync(client, "recreated/ok")).Payload.ToArray());
    }

    [Fact]
    public async Task Publishes_in_flight_when_the_broker_dies_all_complete_or_fail_clearly()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(PlainOptions(broker, "inflight"));
        using var stop = new CancellationTokenSource();
        var acknowledged = 0;
        var failed = 0;
        var publishers = Enumerable.Range(0, 4).Select(publisher => Task.Run(async () =>
        {
            var payload = new byte[100];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.PublishAsync($"load/{publisher}", payload, MqttQualityOfService.AtLeastOnce, retain: false, Bounded());
                    Interlocked.Increment(ref acknowledged);
                }
                catch (MqttException)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(10); // a failed publisher's back-off
                }
            }
        })).ToArray();

        // Let traffic flow before the kill.
        await Eventually.UntilAsync(() => Volatile.Read(ref acknowledged) > 100, TimeSpan.FromSeconds(15), "100 acknowledged publishes");
        broker.Kill();
        await WaitForStateAsync(client, MqttConnectionState.Reconnecting);
        await Eventually.UntilAsync(() => Volatile.Read(ref failed) > 0, WaitLimit, "a publish to fail while the broker is gone");
        await stop.CancelAsync();
        // Every publish ends: acknowledged before the kill, or an MqttException (none hangs, nothing else is thrown).
        await Task.WhenAll(publishers).WaitAsync(WaitLimit);

        Assert.True(acknowledged > 100, $"{acknowledged} acknowledged");
        Assert.True(failed > 0, "publishing while the broker is gone must fail");
    }

    [Fact]
    public async Task Dispose_while_connected_disconnects_cleanly_without_the_will()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var observer = await ConnectedAsync(PlainOptions(broker, "observer"));
        await observer.SubscribeAsync("gateway/7/status", MqttQualityOfService.AtLeastOnce, Bounded());
        var options = PlainOptions(broker, "willing");
        var client = await ConnectedAsync(new MqttClientOptions
        {
            Host = options.Host,
            Port = options.Port,
            ClientId = options.ClientId,
            WillTopic = "gateway/7/status",
            WillPayload = "offline"u8.ToArray(),
            WillQualityOfService = MqttQualityOfService.AtLeastOnce,
        });
        await client.SubscribeAsync("gateway/7/#", MqttQualityOfService.AtLeastOnce, Bounded());

        var stopwatch = Stopwatch.StartNew();
        await client.DisposeAsync();
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {stopwatch.Elapsed}");
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
        Assert.False(client.Messages.TryRead(out _));
        Assert.True(client.Messages.Completion.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PublishAsync("t", "x"u8.ToArray(), MqttQualityOfService.AtMostOnce, false, Bounded()));
        await Assert.ThrowsAsync<TimeoutException>(() => ReceiveAsync(observer, TimeSpan.FromSeconds(1)));
        Assert.Equal(1, await broker.WaitForLogLinesAsync($"Client {options.ClientId} disconnected.", 1, WaitLimit));
    }
}
