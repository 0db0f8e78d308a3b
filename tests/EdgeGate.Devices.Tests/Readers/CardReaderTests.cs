using System.Text;
using EdgeGate.Devices.Readers;
using EdgeGate.Devices.Serial;
using EdgeGate.TestSupport.Peers;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.Devices.Tests.Readers;

public sealed class CardReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static async Task<List<CardReaderResult>> ReadAllAsync(IAsyncEnumerable<CardReaderResult> results)
    {
        var list = new List<CardReaderResult>();
        await foreach (var result in results)
        {
            list.Add(result);
        }
        return list;
    }

    private static MemoryStream Bytes(string text) => new(Encoding.Latin1.GetBytes(text));

    [Fact]
    public async Task Ascii_reader_normalises_numbers_skips_blank_lines_and_rejects_garbage_with_a_reason()
    {
        var input = "0012345678\r\n\r\n  00a1b2c3d4 \n\x02" + "1234ABCD\x03" + "12-34\nxyz\n12\n" + new string('9', 40) + "\n";
        var reader = new AsciiLineCardReader(Bytes(input), timeProvider: new FakeTimeProvider(Now));

        var results = await ReadAllAsync(reader.ReadAsync(CancellationToken.None));

        Assert.Equal(["0012345678", "00A1B2C3D4", "1234ABCD"], results.Where(r => r.IsCard).Select(r => r.Card!.Uid));
        Assert.All(results.Where(r => r.IsCard), r => Assert.Equal((CardFormat.AsciiLine, Now), (r.Card!.Format, r.Card.ReadAt)));
        var rejected = results.Where(r => !r.IsCard).ToArray();
        Assert.Equal(["12-34", "xyz", "12", new string('9', 40)], rejected.Select(r => r.RawLine));
        Assert.Contains("'-'", rejected[0].RejectionReason, StringComparison.Ordinal);
        Assert.Contains("shorter than 4", rejected[2].RejectionReason, StringComparison.Ordinal);
        Assert.Contains("longer than 32", rejected[3].RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ascii_reader_shows_control_bytes_in_the_raw_line()
    {
        var reader = new AsciiLineCardReader(Bytes("12\u0001" + "34\n"));

        var result = Assert.Single(await ReadAllAsync(reader.ReadAsync(CancellationToken.None)));

        Assert.Equal(@"12\x0134", result.RawLine);
        Assert.Contains(@"\x01", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wiegand_reader_takes_binary_and_hex_lines_and_rejects_bad_parity()
    {
        var input = "10111101110110010011011101\r\n2F764DD\r\n0x02020002\r\n00111101110110010011011101\r\nhello\r\n";
        var reader = new WiegandLineCardReader(Bytes(input), new FakeTimeProvider(Now));

        var results = await ReadAllAsync(reader.ReadAsync(CancellationToken.None));

        Assert.Equal(5, results.Count);
        Assert.Equal(["08106606", "08106606", "00065537"], results.Where(r => r.IsCard).Select(r => r.Card!.Uid));
        Assert.All(results.Where(r => r.IsCard), r => Assert.Equal(CardFormat.Wiegand26, r.Card!.Format));
        Assert.Contains("even parity", results[3].RejectionReason, StringComparison.Ordinal);
        Assert.Contains("neither 26 binary digits", results[4].RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Peer", "socat")]
    public async Task Card_line_typed_into_the_reader_pty_produces_a_card_read()
    {
        using var pair = await SocatPair.StartAsync();
        using var readerPort = SerialPortStream.Open(pair.PathB, 9600);
        using var keyboard = SerialPortStream.Open(pair.PathA, 9600);
        var reader = new AsciiLineCardReader(readerPort);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var results = reader.ReadAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        foreach (var character in "  0004c3f2a1\r\n")
        {
            await keyboard.WriteAsync(new[] { (byte)character }, timeout.Token);
            await Task.Delay(2, timeout.Token); // typed, one key at a time
        }

        Assert.True(await results.MoveNextAsync());
        Assert.Equal("0004C3F2A1", results.Current.Card?.Uid);
        Assert.Equal("  0004c3f2a1", results.Current.RawLine);

        // The reader ends when the device goes away.
        pair.Kill();
        Assert.False(await results.MoveNextAsync());
    }
}
