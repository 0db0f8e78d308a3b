using System.Globalization;
using System.Runtime.CompilerServices;

namespace EdgeGate.Devices.Readers;

/// <summary>
/// A Wiegand-to-serial converter that prints each 26-bit frame as a text line, in one of two forms
/// (both accepted on the same line, told apart by their shape):
/// <list type="bullet">
/// <item><b>binary</b>: exactly 26 characters '0'/'1', first bit sent first, e.g. <c>10111101110110010011011101</c> (facility 123, number 45678);</item>
/// <item><b>hex</b>: the 26-bit value in hexadecimal, 1–8 digits with an optional "0x" prefix, e.g. <c>2F764DD</c>
/// (bit 25 is the first bit sent, so the leading parity bit is the value's top bit).</item>
/// </list>
/// A 26-character line of only '0'/'1' is always read as binary. Each line is decoded with
/// <see cref="Wiegand26"/>; a bad parity or a malformed line is yielded as rejected with the reason;
/// empty lines are skipped. The uid is <see cref="Wiegand26Frame.Uid"/>.
/// </summary>
public sealed class WiegandLineCardReader
{
    private const int MaximumLineLength = 64;
    private readonly Stream stream;
    private readonly TimeProvider timeProvider;

    public WiegandLineCardReader(Stream stream, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public async IAsyncEnumerable<CardReaderResult> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var line in ReaderLines.ReadAsync(stream, MaximumLineLength, cancellationToken).ConfigureAwait(false))
        {
            var result = Interpret(line.Printable, line.TooLong, timeProvider.GetUtcNow());
            if (result is not null)
            {
                yield return result;
            }
        }
    }

    /// <summary>Turns one line into a card or a rejection; null for a blank line.</summary>
    internal static CardReaderResult? Interpret(string printable, bool tooLong, DateTimeOffset at)
    {
        var text = printable.Trim();
        if (text.Length == 0 && !tooLong)
        {
            return null;
        }
        if (tooLong)
        {
            return CardReaderResult.Rejected(printable, $"longer than {MaximumLineLength} characters");
        }
        uint bits;
        if (text.Length == Wiegand26.BitCount && text.All(c => c is '0' or '1'))
        {
            bits = Convert.ToUInt32(text, 2);
        }
        else
        {
            var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
            if (hex.Length is 0 or > 8 || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bits))
            {
                return CardReaderResult.Rejected(printable, "neither 26 binary digits nor a hexadecimal value of up to 8 digits");
            }
        }
        var decoded = Wiegand26.Decode(bits);
        return decoded.Frame is { } frame
            ? CardReaderResult.Accepted(new CardRead(frame.Uid, CardFormat.Wiegand26, printable, at))
            : CardReaderResult.Rejected(printable, decoded.RejectionReason!);
    }
}
