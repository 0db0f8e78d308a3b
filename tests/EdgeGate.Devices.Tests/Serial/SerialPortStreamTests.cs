using System.Diagnostics;
using EdgeGate.Devices.Interop.Termios;
using EdgeGate.Devices.Serial;
using EdgeGate.TestSupport.Peers;
using Xunit.Abstractions;

namespace EdgeGate.Devices.Tests.Serial;

/// <summary>The termios stream on real pseudo-terminals made by socat.</summary>
[Collection(SerialTimingCollection.Name)]
public sealed class SerialPortStreamTests(ITestOutputHelper output) : IAsyncLifetime
{
    private SocatPair pair = null!;
    private SerialPortStream a = null!;
    private SerialPortStream b = null!;

    public async Task InitializeAsync()
    {
        pair = await SocatPair.StartAsync();
        a = SerialPortStream.Open(pair.PathA, 9600);
        b = SerialPortStream.Open(pair.PathB, 9600);
    }

    public Task DisposeAsync()
    {
        a?.Dispose();
        b?.Dispose();
        pair?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Termios_struct_has_the_glibc_size_and_speeds_follow_the_glibc_version()
    {
        Assert.Equal(60, SerialLine.TerminalAttributesSize);
        Assert.Equal(Convert.ToUInt32("15", 8), TerminalSpeed.ToNative(9600, plainNumbers: false));
        Assert.Equal(Convert.ToUInt32("16", 8), TerminalSpeed.ToNative(19200, plainNumbers: false));
        Assert.Equal(Convert.ToUInt32("17", 8), TerminalSpeed.ToNative(38400, plainNumbers: false));
        Assert.Equal(Convert.ToUInt32("10001", 8), TerminalSpeed.ToNative(57600, plainNumbers: false));
        Assert.Equal(Convert.ToUInt32("10002", 8), TerminalSpeed.ToNative(115200, plainNumbers: false));
        Assert.Equal(9600u, TerminalSpeed.ToNative(9600, plainNumbers: true));
        Assert.False(TerminalSpeed.UsesPlainNumbersFor(new Version(2, 41)));
        Assert.True(TerminalSpeed.UsesPlainNumbersFor(new Version(2, 42)));
        Assert.True(TerminalSpeed.LibcVersion >= new Version(2, 17), $"glibc {TerminalSpeed.LibcVersion}");
        Assert.Throws<ArgumentOutOfRangeException>(() => TerminalSpeed.ToNative(12345));
    }

    [Fact]
    public async Task All_256_byte_values_pass_unchanged_both_ways()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await a.WriteAsync(all);
        var atB = await ReadExactlyAsync(b, 256, TimeSpan.FromSeconds(5));
        await b.WriteAsync(all.Reverse().ToArray());
        var atA = await ReadExactlyAsync(a, 256, TimeSpan.FromSeconds(5));

        Assert.Equal(all, atB);
        Assert.Equal(all.Reverse(), atA);
    }

    [Fact]
    public async Task Read_with_nothing_to_read_times_out_within_its_deadline()
    {
        // Never early; late by at most 100 ms in at least one of three tries (a loaded 2-core
        // machine may stall any thread once; a systematic overshoot fails all three).
        var timeout = TimeSpan.FromMilliseconds(400);
        var measured = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<TimeoutException>(async () => Assert.True(await b.ReadAsync(new byte[16], timeout, CancellationToken.None) >= 0));
            measured.Add(watch.Elapsed);
            Assert.True(watch.Elapsed >= timeout - TimeSpan.FromMilliseconds(2), $"timed out early: {watch.Elapsed.TotalMilliseconds:0} ms");
            if (watch.Elapsed <= timeout + TimeSpan.FromMilliseconds(100))
            {
                output.WriteLine($"400 ms read timeout took {string.Join(", ", measured.Select(m => $"{m.TotalMilliseconds:0.0}"))} ms");
                return;
            }
        }
        Assert.Fail($"400 ms timeout took {string.Join(", ", measured.Select(m => $"{m.TotalMilliseconds:0}"))} ms");
    }

    [Fact]
    public async Task ReadTimeout_property_applies_to_plain_reads()
    {
        b.ReadTimeout = 200;
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(async () => Assert.True(await b.ReadAsync(new byte[16]) >= 0));
        Assert.Throws<TimeoutException>(() => b.Read(new byte[16], 0, 16));

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(398), $"{watch.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Cancelling_a_pending_read_is_prompt_and_loses_no_byte()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => Assert.True(await b.ReadAsync(new byte[16], cancellation.Token) >= 0));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(400), $"cancelled after {watch.ElapsedMilliseconds} ms");

        await a.WriteAsync(new byte[] { 1, 2, 3 });
        Assert.Equal([1, 2, 3], await ReadExactlyAsync(b, 3, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Closing_the_other_end_is_reported_as_end_of_stream()
    {
        var pending = b.ReadAsync(new byte[16], TimeSpan.FromSeconds(10), CancellationToken.None).AsTask();
        await Quiet.ForAsync(TimeSpan.FromMilliseconds(100), "the read waiting on the silent line", () => pending.IsCompleted);
        var watch = Stopwatch.StartNew();

        pair.Kill();

        Assert.Equal(0, await pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"hang-up seen after {watch.ElapsedMilliseconds} ms");
        Assert.True(b.IsHungUp);
        Assert.Equal(0, await b.ReadAsync(new byte[16]));
        await Assert.ThrowsAsync<SerialPortException>(async () => await b.WriteAsync(new byte[] { 1 }));
    }

    [Fact]
    public async Task Quiet_line_wait_discards_chatter_and_returns_once_quiet()
    {
        var quietTime = TimeSpan.FromMilliseconds(250);
        var lastWrite = Stopwatch.StartNew();
        var writes = 0;
        var chatter = Task.Run(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                lastWrite.Restart();
                await a.WriteAsync(new byte[] { 0x55, 0xAA });
                Interlocked.Increment(ref writes);
                await Task.Delay(40); // the chatter's pace
            }
        });
        await Eventually.UntilAsync(() => Volatile.Read(ref writes) > 0, TimeSpan.FromSeconds(5), "the chatter to start");

        var result = await b.WaitForQuietLineAsync(quietTime, TimeSpan.FromSeconds(5));
        var sinceLastWrite = lastWrite.Elapsed;
        await chatter;

        Assert.True(result.IsQuiet);
        Assert.True(result.DiscardedBytes >= 2 && result.Waited >= quietTime, $"{result}");
        if (result.DiscardedBytes == 12)
        {
            // The whole burst was swallowed: the wait ended only after a full quiet time without bytes.
            Assert.True(sinceLastWrite >= quietTime - TimeSpan.FromMilliseconds(10), $"returned {sinceLastWrite.TotalMilliseconds:0} ms after the last byte");
        }
        // Whatever is left of the burst (if the machine stalled the writer) is still readable: nothing else was eaten.
        var rest = 12 - result.DiscardedBytes;
        if (rest > 0)
        {
            Assert.Equal(rest, (await ReadExactlyAsync(b, rest, TimeSpan.FromSeconds(5))).Length);
        }
    }

    [Fact]
    public async Task Quiet_line_wait_gives_up_after_the_maximum_on_a_busy_line()
    {
        using var stop = new CancellationTokenSource();
        var chattering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chatter = Task.Run(async () =>
        {
            for (var written = 1; !stop.IsCancellationRequested; written++)
            {
                await a.WriteAsync(new byte[] { 0x00 });
                if (written == 3)
                {
                    chattering.TrySetResult();
                }
                await Task.Delay(20); // the chatter's pace
            }
        });
        // The first writes of a cold process can take longer than the quiet time: start measuring
        // once the line is really busy.
        await chattering.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var result = await b.WaitForQuietLineAsync(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500));
        await stop.CancelAsync();
        await chatter;

        Assert.False(result.IsQuiet);
        Assert.True(result.DiscardedBytes > 5);
        Assert.InRange(result.Waited, TimeSpan.FromMilliseconds(495), TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public async Task DiscardInBuffer_drops_what_arrived()
    {
        await a.WriteAsync(new byte[] { 9, 9, 9 });
        // Nothing shows that the bytes have crossed the pty without reading them.
        await Task.Delay(100);

        b.DiscardInBuffer();
        await a.WriteAsync(new byte[] { 7 });

        Assert.Equal([7], await ReadExactlyAsync(b, 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Open_failures_carry_the_errno_text()
    {
        var missing = Assert.Throws<SerialPortException>(() => SerialPortStream.Open("/dev/edgegate-no-such-port", 9600));
        Assert.Contains("No such file or directory", missing.Message, StringComparison.Ordinal);
        Assert.Equal(2, missing.ErrorNumber);

        var notTerminal = Assert.Throws<SerialPortException>(() => SerialPortStream.Open("/dev/null", 9600));
        Assert.Contains("tcgetattr", notTerminal.Message, StringComparison.Ordinal);
        Assert.Equal(25, notTerminal.ErrorNumber); // ENOTTY
    }

    [Fact]
    public void Parity_and_stop_bits_are_accepted_and_change_the_character_time()
    {
        using var even = SerialPortStream.Open(pair.PathA, new SerialLineSettings(19200, SerialParity.Even, SerialStopBits.Two));

        Assert.Equal(12, even.Settings.BitsPerCharacter);
        Assert.Equal(TimeSpan.FromTicks(TimeSpan.TicksPerSecond * 10 / 9600), new SerialLineSettings(9600).CharacterTime);
    }

    internal static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellation.Token);
            Assert.True(read > 0, "end of stream");
            filled += read;
        }
        return buffer;
    }
}
