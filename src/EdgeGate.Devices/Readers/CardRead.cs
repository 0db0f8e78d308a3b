namespace EdgeGate.Devices.Readers;

/// <summary>How a card number reached the gateway.</summary>
public enum CardFormat
{
    /// <summary>A reader that prints the number as a text line.</summary>
    AsciiLine,
    /// <summary>A Wiegand-26 frame (8-bit facility + 16-bit number + 2 parity bits) via a converter.</summary>
    Wiegand26,
}

/// <summary>A card presented at a reader.</summary>
/// <param name="Uid">The normalised card number, comparable with <see cref="EdgeGate.Core.Persons.Card.Uid"/>.</param>
/// <param name="Format">How it was read.</param>
/// <param name="Raw">The line as received (control characters shown as \xNN), for the journal.</param>
/// <param name="ReadAt">When the line was complete.</param>
public sealed record CardRead(string Uid, CardFormat Format, string Raw, DateTimeOffset ReadAt);

/// <summary>One line from a reader: a card, or a rejected line with the reason.</summary>
public sealed record CardReaderResult(CardRead? Card, string RawLine, string? RejectionReason)
{
    public bool IsCard => Card is not null;

    public static CardReaderResult Accepted(CardRead card) => new(card, card.Raw, null);

    public static CardReaderResult Rejected(string rawLine, string reason) => new(null, rawLine, reason);
}
