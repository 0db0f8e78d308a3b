using EdgeGate.Devices.Modbus;
using EdgeGate.Devices.Serial;

namespace EdgeGate.Devices.Tests.Modbus;

/// <summary>How the scripted slave answers one request.</summary>
/// <param name="Delay">Wait before answering.</param>
/// <param name="Reply">Bytes to send (may be garbage, or nothing).</param>
public sealed record ScriptedReply(TimeSpan Delay, byte[] Reply);

/// <summary>
/// A misbehaving slave on the far end of a pty, for what pymodbus will not do on demand: answer
/// late, answer garbage. It reads 8-byte requests and answers each with the next scripted reply.
/// </summary>
public sealed class ScriptedSlave : IAsyncDisposable
{
    private readonly SerialPortStream port;
    private readonly Func<byte[], int, ScriptedReply> script;
    private readonly CancellationTokenSource stop = new();
    private readonly List<byte[]> requests = [];
    private readonly Task loop;

    /// <param name="port">The slave's end of the pty pair.</param>
    /// <param name="script">Given the request and its index (0-based), returns the reply.</param>
    public ScriptedSlave(SerialPortStream port, Func<byte[], int, ScriptedReply> script)
    {
        this.port = port;
        this.script = script;
        loop = RunAsync();
    }

    public IReadOnlyList<byte[]> Requests
    {
        get
        {
            lock (requests)
            {
                return requests.ToArray();
            }
        }
    }

    /// <summary>The normal answer to a request: the echo for writes, the given bits for reads.</summary>
    public static byte[] NormalAnswer(byte[] request, params bool[] bits)
    {
        if (request[1] is 0x05 or 0x06)
        {
            return request.ToArray();
        }
        var byteCount = (bits.Length + 7) / 8;
        var body = new byte[3 + byteCount];
        body[0] = request[0];
        body[1] = request[1];
        body[2] = (byte)byteCount;
        for (var index = 0; index < bits.Length; index++)
        {
            if (bits[index])
            {
                body[3 + (index / 8)] |= (byte)(1 << (index % 8));
            }
        }
        var crc = ModbusRtuFraming.ComputeCrc(body);
        return [.. body, (byte)crc, (byte)(crc >> 8)];
    }

    private async Task RunAsync()
    {
        var pending = new List<byte>();
        var buffer = new byte[64];
        try
        {
            while (true)
            {
                var count = await port.ReadAsync(buffer, stop.Token);
                if (count == 0)
                {
                    return;
                }
                pending.AddRange(buffer.AsSpan(0, count).ToArray());
                while (pending.Count >= 8)
                {
                    var request = pending.Take(8).ToArray();
                    pending.RemoveRange(0, 8);
                    int index;
                    lock (requests)
                    {
                        requests.Add(request);
                        index = requests.Count - 1;
                    }
                    var reply = script(request, index);
                    if (reply.Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(reply.Delay, stop.Token);
                    }
                    if (reply.Reply.Length > 0)
                    {
                        await port.WriteAsync(reply.Reply, stop.Token);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}
