using System.Collections.Concurrent;
using System.Text;
using EdgeGate.Devices.Interop.Mosquitto;
using EdgeGate.TestSupport.Peers;
using static EdgeGate.Devices.Tests.Mqtt.MqttTestClients;

namespace EdgeGate.Devices.Tests.Mqtt;

/// <summary>The libmosquitto binding itself (below MosquittoClient) against a real mosquitto on 127.0.0.1.</summary>
public sealed class MosquittoSessionTests
{
    [Fact]
    public async Task Exceptions_thrown_by_the_listener_stop_at_the_native_boundary_and_the_network_thread_keeps_working()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var listener = new ThrowingListener();
        var session = MosquittoSession.Create(NewClientId("throwing"), cleanSession: true, listener);
        try
        {
            session.StartLoop();
            Assert.Equal(0, session.BeginConnect(MosquittoBroker.Host, broker.Port, 30, out var connectError));
            Assert.Equal(string.Empty, connectError);
            Assert.Equal(0, await listener.Connected.Task.WaitAsync(WaitLimit));

            Assert.Equal(0, session.Subscribe("门禁/#", 1, out var subscribeId));
            Assert.Equal(subscribeId, await listener.Subscribed.Task.WaitAsync(WaitLimit));
            for (var index = 0; index < 3; index++)
            {
                Assert.Equal(0, session.Publish($"门禁/{index}", Encoding.UTF8.GetBytes($"开门 {index}"), 1, retain: false, out _));
            }
            var deadline = DateTime.UtcNow + WaitLimit;
            while ((listener.Messages.Count < 3 || listener.Failures.Count < 4) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            // Every OnConnect and OnMessage threw; each exception was handed to OnCallbackFailure
            // instead of crossing into libmosquitto (which would end the process), and the thread
            // went on delivering: topics and payloads copied intact before the library freed them.
            Assert.Equal(
                [("门禁/0", "开门 0"), ("门禁/1", "开门 1"), ("门禁/2", "开门 2")],
                listener.Messages.OrderBy(message => message.Topic, StringComparer.Ordinal));
            Assert.Equal(4, listener.Failures.Count(failure => failure.Message.StartsWith("listener failure", StringComparison.Ordinal)));
            Assert.True(session.IsNetworkThreadAlive ?? true);
        }
        finally
        {
            session.RequestDisconnect();
            session.StopLoop();
            session.Dispose();
        }
    }

    private sealed class ThrowingListener : IMosquittoSessionListener
    {
        public TaskCompletionSource<int> Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<int> Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(string Topic, string Payload)> Messages { get; } = new();

        public ConcurrentQueue<Exception> Failures { get; } = new();

        public void OnConnect(MosquittoSession session, int connackCode)
        {
            Connected.TrySetResult(connackCode);
            throw new InvalidOperationException("listener failure in OnConnect");
        }

        public void OnDisconnect(MosquittoSession session, int errorCode)
        {
        }

        public void OnPublish(MosquittoSession session, int messageId)
        {
        }

        public void OnSubscribe(MosquittoSession session, int messageId, int[] grantedQualities) => Subscribed.TrySetResult(messageId);

        public void OnMessage(MosquittoSession session, string topic, byte[] payload, int qualityOfService, bool retain)
        {
            Messages.Enqueue((topic, Encoding.UTF8.GetString(payload)));
            throw new InvalidOperationException("listener failure in OnMessage");
        }

        public void OnLog(MosquittoSession session, int level, string text)
        {
        }

        public void OnCallbackFailure(MosquittoSession session, Exception exception) => Failures.Enqueue(exception);
    }
}
