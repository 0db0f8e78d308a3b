using System.Text;
using System.Text.Json;
using EdgeGate.Devices.Mqtt;
using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Gateway.Tests.Access;

/// <summary>
/// A smart lock on the other side of a real broker, on its own <see cref="SupervisedMqttClient"/>. As a
/// Zigbee2MQTT lock it answers <c>zigbee2mqtt/&lt;name&gt;/set</c> by publishing the new state on
/// <c>zigbee2mqtt/&lt;name&gt;</c>; as a silent lock it only listens on the given command topic and
/// never answers. Either way it records every command (payload, arrival time, retain flag). Its
/// client reconnects and subscribes again after the broker restarts, like a real device.
/// </summary>
internal sealed class LockPeer : IAsyncDisposable
{
    private readonly SupervisedMqttClient client;
    private readonly string? stateTopic;
    private readonly List<(string Payload, DateTime At, bool Retained)> commands = [];
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;

    private LockPeer(SupervisedMqttClient client, string? stateTopic)
    {
        this.client = client;
        this.stateTopic = stateTopic;
    }

    public IMqttClient Client => client;

    /// <summary>A Zigbee2MQTT lock named <paramref name="name"/> that answers every command.</summary>
    public static Task<LockPeer> StartZigbee2MqttAsync(MosquittoBroker broker, string name) =>
        StartAsync(broker, $"zigbee2mqtt/{name}/set", $"zigbee2mqtt/{name}");

    /// <summary>A lock that receives commands on <paramref name="commandTopic"/> and never reports a state.</summary>
    public static Task<LockPeer> StartSilentAsync(MosquittoBroker broker, string commandTopic) =>
        StartAsync(broker, commandTopic, stateTopic: null);

    /// <summary>The commands received so far, oldest first.</summary>
    public IReadOnlyList<(string Payload, DateTime At, bool Retained)> Commands()
    {
        lock (commands)
        {
            return [.. commands];
        }
    }

    /// <summary>Waits until <paramref name="count"/> commands arrived; returns them.</summary>
    public async Task<IReadOnlyList<(string Payload, DateTime At, bool Retained)>> WaitForCommandsAsync(int count, TimeSpan timeout)
    {
        await Eventually.UntilAsync(() => Commands().Count >= count, timeout, $"{count} command(s) at the lock");
        var received = Commands();
        Assert.True(received.Count >= count, $"the lock received {received.Count} command(s), expected {count}: {string.Join(", ", received.Select(c => c.Payload))}");
        return received;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
        await client.DisposeAsync();
        stop.Dispose();
    }

    private static async Task<LockPeer> StartAsync(MosquittoBroker broker, string commandTopic, string? stateTopic)
    {
        var client = new SupervisedMqttClient(new MqttClientOptions
        {
            Host = MosquittoBroker.Host,
            Port = broker.Port,
            ClientId = $"lockpeer-{Guid.NewGuid():N}"[..20],
            ConnectTimeout = TimeSpan.FromSeconds(10),
            OperationTimeout = TimeSpan.FromSeconds(10),
        });
        var peer = new LockPeer(client, stateTopic);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.ConnectAsync(timeout.Token);
            await client.SubscribeAsync(commandTopic, MqttQualityOfService.AtLeastOnce, timeout.Token);
            peer.loop = Task.Run(() => peer.RunAsync(peer.stop.Token));
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var message in client.Messages.ReadAllAsync(cancellationToken))
        {
            var text = Encoding.UTF8.GetString(message.Payload.Span);
            lock (commands)
            {
                commands.Add((text, DateTime.UtcNow, message.Retain));
            }
            if (stateTopic is null)
            {
                continue;
            }
            using var document = JsonDocument.Parse(text);
            var unlock = document.RootElement.GetProperty("state").GetString() == "UNLOCK";
            var report = unlock
                ? """{"state":"UNLOCK","lock_state":"unlocked","battery":91,"linkquality":120}"""
                : """{"state":"LOCK","lock_state":"locked","battery":91,"linkquality":120}""";
            try
            {
                await client.PublishAsync(stateTopic, Encoding.UTF8.GetBytes(report), MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken);
            }
            catch (MqttException)
            {
                // The broker went away mid-answer: a real lock drops the report too.
            }
        }
    }
}
