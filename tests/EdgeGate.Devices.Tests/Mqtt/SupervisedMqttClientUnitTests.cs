using System.Collections.Concurrent;
using System.Net;
using EdgeGate.Devices.Mqtt;
using EdgeGate.TestSupport.Peers;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;
using static EdgeGate.Devices.Tests.Mqtt.MqttTestClients;

namespace EdgeGate.Devices.Tests.Mqtt;

/// <summary>
/// SupervisedMqttClient against an in-process MQTTnet broker: refusals the real mosquitto does not
/// give on demand, and how subscriptions are renewed depending on the broker's session.
/// </summary>
public sealed class SupervisedMqttClientUnitTests
{
    [Fact]
    public async Task The_mqtt_net_options_are_mqtt311_with_no_delay_roomy_socket_buffers_the_will_and_the_timeouts()
    {
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = "broker.example",
            Port = 8883,
            ClientId = "gw-7",
            Username = "gw-7",
            Password = "secret",
            KeepAlive = TimeSpan.FromSeconds(20),
            OperationTimeout = TimeSpan.FromSeconds(4),
            WillTopic = "gw/7/state",
            WillPayload = "offline"u8.ToArray(),
            WillRetain = true,
        });

        var options = client.BuildOptions(tls: null);

        var tcp = Assert.IsType<MQTTnet.MqttClientTcpOptions>(options.ChannelOptions);
        Assert.True(tcp.NoDelay);
        Assert.Equal(SupervisedMqttClient.SocketBufferBytes, tcp.BufferSize);
        Assert.False(tcp.LingerState.Enabled);
        Assert.Equal(new DnsEndPoint("broker.example", 8883), tcp.RemoteEndpoint);
        Assert.False(tcp.TlsOptions?.UseTls ?? false);
        Assert.Equal(MqttProtocolVersion.V311, options.ProtocolVersion);
        Assert.True(options.CleanSession);
        Assert.Equal(("gw-7", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4)), (options.ClientId, options.KeepAlivePeriod, options.Timeout));
        Assert.Equal(("gw/7/state", true, MqttQualityOfServiceLevel.AtLeastOnce), (options.WillTopic, options.WillRetain, options.WillQualityOfServiceLevel));
        Assert.Equal("offline"u8.ToArray(), options.WillPayload);
    }

    [Theory]
    [InlineData(MqttConnectReasonCode.NotAuthorized, "not authorised: wrong user name or password, or not allowed to connect (CONNACK 5)")]
    [InlineData(MqttConnectReasonCode.BadUserNameOrPassword, "bad user name or password (CONNACK 4)")]
    [InlineData(MqttConnectReasonCode.ClientIdentifierNotValid, "client id rejected (CONNACK 2)")]
    public async Task A_refusal_for_good_faults_after_one_attempt(MqttConnectReasonCode refusal, string reason)
    {
        await using var broker = await InProcessBroker.StartAsync(refusal);
        await using var client = new SupervisedMqttClient(broker.Options("refused"));

        var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(Bounded()));
        // The first retry would come within 0.25 s.
        await Quiet.ForAsync(TimeSpan.FromSeconds(1), "no retry after a refusal for good", () => broker.ConnectAttempts > 1);

        Assert.Equal($"the broker refused the connection: {reason}", error.Message);
        Assert.Equal(MqttConnectionState.Faulted, client.State);
        Assert.Equal(error.Message, client.LastError);
        Assert.Equal(1, broker.ConnectAttempts);
    }

    [Fact]
    public async Task A_refusal_that_may_pass_is_retried()
    {
        await using var broker = await InProcessBroker.StartAsync(MqttConnectReasonCode.ServerUnavailable);
        var options = broker.Options("busy");
        await using var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = options.Host,
            Port = options.Port,
            ClientId = options.ClientId,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });

        var error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(Bounded()));

        Assert.EndsWith("the broker refused the connection: server unavailable (CONNACK 3) (still retrying)", error.Message, StringComparison.Ordinal);
        Assert.Equal(MqttConnectionState.Connecting, client.State);
        // 0.25, 0.5 and 1 s waits (each jittered down by up to half) fit three retries into 2 s.
        Assert.InRange(broker.ConnectAttempts, 3, 8);
    }

    [Fact]
    public async Task Without_a_session_on_the_broker_every_subscription_is_renewed_on_every_connection()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var options = broker.Options("clean");
        await using var client = new SupervisedMqttClient(options);
        await client.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce, Bounded());
        await client.ConnectAsync(Bounded());
        await client.SubscribeAsync("ack", MqttQualityOfService.AtLeastOnce, Bounded());

        await broker.DropAsync(options.ClientId!);
        await WaitForStateAsync(client, MqttConnectionState.Reconnecting);
        await WaitForStateAsync(client, MqttConnectionState.Connected);

        Assert.Equal(2, broker.Subscriptions("cmd/#"));
        Assert.Equal(2, broker.Subscriptions("ack"));
        Assert.Equal("cmd/unlock", (await broker.PublishAndReceiveAsync(client, "cmd/unlock")).Topic);
    }

    [Fact]
    public async Task With_the_session_kept_by_the_broker_subscriptions_are_not_sent_again_and_still_deliver()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var plain = broker.Options("kept");
        var options = new MqttClientOptions { Host = plain.Host, Port = plain.Port, ClientId = plain.ClientId, CleanSession = false };
        await using var client = new SupervisedMqttClient(options);
        await client.ConnectAsync(Bounded());
        await client.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce, Bounded());

        await broker.DropAsync(options.ClientId!);
        await WaitForStateAsync(client, MqttConnectionState.Reconnecting);
        await WaitForStateAsync(client, MqttConnectionState.Connected);

        Assert.Equal(1, broker.Subscriptions("cmd/#"));
        Assert.Equal("cmd/unlock", (await broker.PublishAndReceiveAsync(client, "cmd/unlock")).Topic);
    }

    /// <summary>An MQTTnet broker on a free loopback port that answers every CONNECT with one reason code.</summary>
    private sealed class InProcessBroker : IAsyncDisposable
    {
        private readonly MqttServer server;
        private readonly ConcurrentDictionary<string, int> subscriptions = new(StringComparer.Ordinal);
        private int connectAttempts;

        private InProcessBroker(MqttServer server, int port)
        {
            this.server = server;
            Port = port;
        }

        public int Port { get; }

        public int ConnectAttempts => Volatile.Read(ref connectAttempts);

        public static async Task<InProcessBroker> StartAsync(MqttConnectReasonCode answer = MqttConnectReasonCode.Success)
        {
            var port = PeerProcess.FreeTcpPort();
            var factory = new MqttServerFactory();
            var server = factory.CreateMqttServer(factory.CreateServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointPort(port)
                .WithPersistentSessions(true)
                .Build());
            var broker = new InProcessBroker(server, port);
            server.ValidatingConnectionAsync += validating =>
            {
                Interlocked.Increment(ref broker.connectAttempts);
                validating.ReasonCode = answer;
                return Task.CompletedTask;
            };
            server.InterceptingSubscriptionAsync += subscribing =>
            {
                broker.subscriptions.AddOrUpdate(subscribing.TopicFilter.Topic, 1, (_, count) => count + 1);
                return Task.CompletedTask;
            };
            await server.StartAsync();
            return broker;
        }

        public MqttClientOptions Options(string prefix) => new()
        {
            Host = "127.0.0.1",
            Port = Port,
            ClientId = NewClientId(prefix),
            ConnectTimeout = WaitLimit,
            OperationTimeout = WaitLimit,
        };

        /// <summary>How many SUBSCRIBE requests named <paramref name="filter"/>.</summary>
        public int Subscriptions(string filter) => subscriptions.GetValueOrDefault(filter);

        /// <summary>Closes the client's connection from the broker's side.</summary>
        public Task DropAsync(string clientId) =>
            server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NormalDisconnection });

        public async Task<MqttApplicationMessage> PublishAndReceiveAsync(IMqttClient client, string topic)
        {
            await server.InjectApplicationMessage(
                new InjectedMqttApplicationMessage(new MQTTnet.MqttApplicationMessage { Topic = topic, QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce }),
                Bounded());
            return await ReceiveOnAsync(client, topic);
        }

        public async ValueTask DisposeAsync()
        {
            await server.StopAsync(new MqttServerStopOptions());
            server.Dispose();
        }
    }
}
