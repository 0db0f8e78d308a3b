using System.Net.Sockets;
using EdgeGate.Devices.Mqtt;
using EdgeGate.TestSupport.Peers;

namespace EdgeGate.Devices.Tests.Mqtt;

/// <summary>Client options and bounded waits shared by the MQTT tests.</summary>
internal static class MqttTestClients
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    public static string NewClientId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static MqttClientOptions PlainOptions(MosquittoBroker broker, string prefix) => new()
    {
        Host = MosquittoBroker.Host,
        Port = broker.Port,
        ClientId = NewClientId(prefix),
        ConnectTimeout = WaitLimit,
        OperationTimeout = WaitLimit,
    };

    public static async Task<SupervisedMqttClient> ConnectedAsync(MqttClientOptions options)
    {
        var client = new SupervisedMqttClient(options);
        try
        {
            using var timeout = new CancellationTokenSource(WaitLimit);
            await client.ConnectAsync(timeout.Token);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public static async Task<MqttApplicationMessage> ReceiveAsync(IMqttClient client, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? WaitLimit);
        try
        {
            return await client.Messages.ReadAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no message within {timeout ?? WaitLimit} (state {client.State}, last error {client.LastError})");
        }
    }

    /// <summary>Receives until a message on <paramref name="topic"/> arrives (others are skipped).</summary>
    public static async Task<MqttApplicationMessage> ReceiveOnAsync(IMqttClient client, string topic, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? WaitLimit);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var message = await ReceiveAsync(client, remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
            if (message.Topic == topic)
            {
                return message;
            }
        }
    }

    public static Task WaitForStateAsync(IMqttClient client, MqttConnectionState state, TimeSpan? timeout = null)
        => Eventually.UntilAsync(() => client.State == state, timeout ?? WaitLimit, $"MQTT client state {state}", () => $"state {client.State} (last error: {client.LastError})");

    public static CancellationToken Bounded() => new CancellationTokenSource(WaitLimit).Token;

    /// <summary>Reads one whole MQTT packet from a raw broker-side socket and returns its first header byte (type and flags).</summary>
    public static async Task<byte> ReadPacketAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[1];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = 0;
        var shift = 0;
        var digit = new byte[1];
        do
        {
            await stream.ReadExactlyAsync(digit, cancellationToken);
            length |= (digit[0] & 0x7F) << shift;
            shift += 7;
        }
        while ((digit[0] & 0x80) != 0);
        await stream.ReadExactlyAsync(new byte[length], cancellationToken);
        return header[0];
    }
}
