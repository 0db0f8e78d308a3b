using System.Runtime.CompilerServices;
using EdgeGate.Core.Persons;

namespace EdgeGate.Devices.Readers;

/// <summary>Limits for card numbers read as text.</summary>
public sealed record AsciiLineCardReaderOptions
{
    /// <summary>Shortest accepted number (after trimming), in characters.</summary>
    public int MinimumLength { get; init; } = 4;

    /// <summary>Longest accepted number; longer lines are rejected.</summary>
    public int MaximumLength { get; init; } = 32;
}

/// <summary>
/// A serial card reader that prints each card number as a text line (USB/RS-232 125 kHz and
/// 13.56 MHz readers, keyboard-less "serial mode"): CR/LF or STX…ETX framed. A line becomes a
/// <see cref="CardRead"/> when, after trimming spaces, it holds only digits and letters A–F within
/// the length limits; it is normalised with <see cref="Card.NormaliseUid"/> (upper case, leading
/// zeros kept). Empty lines are skipped silently; any other line is yielded as rejected, with the
/// reason. The reader owns no loop: enumerate <see cref="ReadAsync"/>; it ends when the stream ends
/// (for a <see cref="Serial.SerialPortStream"/>: the device went away).
/// </summary>
public sealed class AsciiLineCardReader
{
    private readonly Stream stream;
    private readonly AsciiLineCardReaderOptions options;
    private readonly TimeProvider timeProvider;

    public AsciiLineCardReader(Stream stream, AsciiLineCardReaderOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
        this.options = options ?? new AsciiLineCardReaderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.MinimumLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.MaximumLength, this.options.MinimumLength);
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public async IAsyncEnumerable<CardReaderResult> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var line in ReaderLines.ReadAsync(stream, options.MaximumLength + 16, cancellationToken).ConfigureAwait(false))
        {
            var result = Interpret(line.Bytes, line.TooLong, line.Printable, options, timeProvider.GetUtcNow());
            if (result is not null)
            {
                yield return result;
            }
        }
    }

    /// <summary>Turns one line into a card or a rejection; null for a line that is only blanks.</summary>
    internal static CardReaderResult? Interpret(ReadOnlySpan<byte> bytes, bool tooLong, string printable, AsciiLineCardReaderOptions options, DateTimeOffset at)
    {
        var text = new string(Array.ConvertAll(bytes.ToArray(), value => (char)value)).Trim(' ', '\t');
        if (text.Length == 0 && !tooLong)
        {
            return null;
        }
        if (tooLong || text.Length > options.MaximumLength)
        {
            return CardReaderResult.Rejected(printable, $"longer than {options.MaximumLength} characters");
        }
        if (text.Length < options.MinimumLength)
        {
            return CardReaderResult.Rejected(printable, $"shorter than {options.MinimumLength} characters");
        }
        foreach (var character in text)
        {
            if (!char.IsAsciiHexDigit(character))
            {
                return CardReaderResult.Rejected(printable, $"contains '{(character is >= ' ' and < '\x7f' ? character.ToString() : $"\\x{(int)character:X2}")}', not a digit or A–F");
            }
        }
        return CardReaderResult.Accepted(new CardRead(Card.NormaliseUid(text), CardFormat.AsciiLine, printable, at));
    }
}
