using System.Diagnostics;
using EdgeGate.Devices.Modbus;
using EdgeGate.Devices.Serial;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Devices.Tests.Modbus;

/// <summary>The RTU master on a pty against the independent pymodbus slave and a scripted misbehaving slave.</summary>
[Collection(SerialTimingCollection.Name)]
public sealed class ModbusRtuClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMilliseconds(250);
    private SocatPair pair = null!;
    private SerialPortStream port = null!;
    private ModbusRtuClient client = null!;

    public async Task InitializeAsync()
    {
        pair = await SocatPair.StartAsync();
        port = SerialPortStream.Open(pair.PathB, 9600);
        client = new ModbusRtuClient(port, new ModbusRtuClientOptions
        {
            ResponseTimeout = ResponseTimeout,
            QuietTimeAfterFailure = TimeSpan.FromMilliseconds(300),
            RetriesAfterCorruptResponse = 2,
        });
    }

    public Task DisposeAsync()
    {
        client?.Dispose();
        port?.Dispose();
        pair?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Coils_written_and_read_back_and_inputs_read_from_the_pymodbus_slave()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA, new ModbusSlaveOptions { DiscreteInputs = [false, true, true, false, false, false, false, false] });

        var on = await client.WriteSingleCoilAsync(1, 2, true, CancellationToken.None);
        var coils = await client.ReadCoilsAsync(1, 0, 8, CancellationToken.None);
        var off = await client.WriteSingleCoilAsync(1, 2, false, CancellationToken.None);
        var inputs = await client.ReadDiscreteInputsAsync(1, 0, 4, CancellationToken.None);
        var register = await client.WriteSingleRegisterAsync(1, 3, 0x0605, CancellationToken.None);

        Assert.True(on.IsSuccess, on.Detail);
        Assert.True(on.Value);
        Assert.Equal([false, false, true, false, false, false, false, false], coils.Value!);
        Assert.True(off.IsSuccess, off.Detail);
        Assert.False(off.Value);
        Assert.Equal([false, true, true, false], inputs.Value!);
        Assert.Equal((ushort)0x0605, register.Value);
        await slave.WaitForEventsAsync(e => e.Any(x => x is { Kind: "register", Address: 3, Value: 0x0605 }), TimeSpan.FromSeconds(5));
        Assert.Equal(1, on.Attempts);
    }

    [Fact]
    public async Task Exception_answer_from_the_slave_is_a_value_with_its_code()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA);

        var result = await client.WriteSingleCoilAsync(1, 100, true, CancellationToken.None);

        Assert.Equal(ModbusStatus.ExceptionResponse, result.Status);
        Assert.Equal(2, result.ExceptionCode);
        Assert.Contains("illegal data address", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_slave_gives_no_response_within_the_timeout()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA);
        Assert.True((await client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None)).IsSuccess);
        slave.Stop();
        var watch = Stopwatch.StartNew();

        var result = await client.WriteSingleCoilAsync(1, 0, false, CancellationToken.None);

        Assert.Equal(ModbusStatus.NoResponse, result.Status);
        output.WriteLine($"no response after {watch.ElapsedMilliseconds} ms (timeout {ResponseTimeout.TotalMilliseconds} ms)");
        Assert.InRange(watch.Elapsed, ResponseTimeout, ResponseTimeout + TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Noise_before_every_reply_is_skipped_and_commands_keep_working()
    {
        using var slave = await ModbusSlave.StartAsync(pair.PathA, new ModbusSlaveOptions { NoiseBeforeReply = [0xFF, 0x00, 0x01, 0x05, 0xAA] });

        var first = await client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None);
        var second = await client.WriteSingleCoilAsync(1, 0, false, CancellationToken.None);
        var read = await client.ReadCoilsAsync(1, 0, 8, CancellationToken.None);

        Assert.True(first.IsSuccess, first.Detail);
        Assert.True(second.IsSuccess, second.Detail);
        Assert.True(read.IsSuccess, read.Detail);
        Assert.Contains("skipped 5 noise bytes", first.Detail, StringComparison.Ordinal);
        Assert.Equal(new byte[8], read.Value!.Select(b => (byte)(b ? 1 : 0)));
        var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));
        Assert.Equal([1, 0], events.Select(e => e.Value));
    }

    [Fact]
    public async Task Late_answer_is_not_taken_for_the_answer_to_the_next_request()
    {
        // The slave answers the first read of coils 0..7 with "coil 0 ON" 500 ms late (after the
        // 250 ms timeout); it answers the second, identical read at once with "all OFF". Without
        // the quiet-line wait the late frame would be taken for the second answer (same slave,
        // function and length: RTU cannot tell them apart).
        using var slaveEnd = SerialPortStream.Open(pair.PathA, 9600);
        await using var slave = new ScriptedSlave(slaveEnd, (request, index) => index == 0
            ? new ScriptedReply(TimeSpan.FromMilliseconds(500), ScriptedSlave.NormalAnswer(request, true, false, false, false, false, false, false, false))
            : new ScriptedReply(TimeSpan.Zero, ScriptedSlave.NormalAnswer(request, new bool[8])));

        var first = await client.ReadCoilsAsync(1, 0, 8, CancellationToken.None);
        var second = await client.ReadCoilsAsync(1, 0, 8, CancellationToken.None);

        Assert.Equal(ModbusStatus.NoResponse, first.Status);
        Assert.True(second.IsSuccess, second.Detail);
        Assert.Equal(new bool[8], second.Value!);
        Assert.Contains("discarded 6 late bytes", second.Detail, StringComparison.Ordinal);
        output.WriteLine(second.Detail);
    }

    [Fact]
    public async Task Late_echo_from_the_pymodbus_slave_is_discarded_and_the_next_command_gets_its_own_answer()
    {
        // The independent slave sends its first reply (the echo of "coil 0 ON") 400 ms late, after
        // the 250 ms timeout; the next command switches the coil OFF and must be answered by its
        // own echo, with the late ON echo thrown away on the quiet line before it.
        using var slave = await ModbusSlave.StartAsync(pair.PathA, new ModbusSlaveOptions { LateReplies = 1, LateBy = TimeSpan.FromMilliseconds(400) });

        var on = await client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None);
        var off = await client.WriteSingleCoilAsync(1, 0, false, CancellationToken.None);
        var read = await client.ReadCoilsAsync(1, 0, 8, CancellationToken.None);

        output.WriteLine($"on: {on.Status} {on.Detail}; off: {off.Detail}");
        Assert.Equal(ModbusStatus.NoResponse, on.Status);
        Assert.True(off.IsSuccess, off.Detail);
        Assert.False(off.Value);
        Assert.Contains("discarded 8 late bytes", off.Detail, StringComparison.Ordinal);
        Assert.True(read.IsSuccess, read.Detail);
        Assert.Equal(new bool[8], read.Value!);
        var events = await slave.WaitForEventsAsync(e => e.Count >= 2, TimeSpan.FromSeconds(5));
        Assert.Equal([1, 0], events.Select(e => e.Value));
    }

    [Fact]
    public async Task Answer_to_a_cancelled_request_is_not_taken_for_the_next_one()
    {
        // The caller gives up once the request is on the wire (the slave has it); the slave answers 150 ms later.
        using var cancellation = new CancellationTokenSource();
        using var slaveEnd = SerialPortStream.Open(pair.PathA, 9600);
        await using var slave = new ScriptedSlave(slaveEnd, (request, index) =>
        {
            if (index > 0)
            {
                return new ScriptedReply(TimeSpan.Zero, ScriptedSlave.NormalAnswer(request, new bool[8]));
            }
            cancellation.CancelAfter(TimeSpan.FromMilliseconds(20));
            return new ScriptedReply(TimeSpan.FromMilliseconds(150), ScriptedSlave.NormalAnswer(request, true, true, true, true, true, true, true, true));
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReadCoilsAsync(1, 0, 8, cancellation.Token));
        var next = await client.ReadCoilsAsync(1, 0, 8, CancellationToken.None);

        output.WriteLine($"next: {next.Detail} {string.Join(",", next.Value ?? [])} requests {slave.Requests.Count}");
        Assert.True(next.IsSuccess, next.Detail);
        Assert.Equal(new bool[8], next.Value!);
    }

    [Fact]
    public async Task Garbled_answer_is_retried_and_the_retry_succeeds()
    {
        using var slaveEnd = SerialPortStream.Open(pair.PathA, 9600);
        await using var slave = new ScriptedSlave(slaveEnd, (request, index) =>
        {
            var answer = ScriptedSlave.NormalAnswer(request);
            if (index == 0)
            {
                answer[^1] ^= 0x40; // CRC broken on the first answer
            }
            return new ScriptedReply(TimeSpan.Zero, answer);
        });

        var result = await client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, slave.Requests.Count);
    }

    [Fact]
    public async Task Answers_that_are_always_garbage_end_as_corrupt_after_the_retries()
    {
        using var slaveEnd = SerialPortStream.Open(pair.PathA, 9600);
        await using var slave = new ScriptedSlave(slaveEnd, (_, _) => new ScriptedReply(TimeSpan.Zero, [0x01, 0x05, 0x12, 0x34, 0x56]));

        var result = await client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None);

        Assert.Equal(ModbusStatus.CorruptResponse, result.Status);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, slave.Requests.Count);
    }

    [Fact]
    public async Task Wrong_echo_is_not_accepted()
    {
        using var slaveEnd = SerialPortStream.Open(pair.PathA, 9600);
        await using var slave = new ScriptedSlave(slaveEnd, (request, _) =>
            new ScriptedReply(TimeSpan.Zero, ModbusRtuFraming.BuildWriteSingleCoil(request[0], 7, true)));

        var result = await client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None);

        Assert.Equal(ModbusStatus.CorruptResponse, result.Status);
        Assert.Contains("not answering this request", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closed_line_is_a_transport_error()
    {
        pair.Kill();

        var result = await client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None);

        Assert.Equal(ModbusStatus.TransportError, result.Status);
        output.WriteLine(result.Detail);
    }
}
