using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Gateway.Configuration;

public enum CardReaderFormat
{
    /// <summary>The reader prints the card number as an ASCII line.</summary>
    AsciiLine,
    /// <summary>A Wiegand-to-serial converter prints 26-bit frames.</summary>
    Wiegand26,
}

/// <summary>One entry of <c>Readers</c>: a serial card reader at a door.</summary>
public sealed class ReaderOptions
{
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Name may hold letters, digits, '-' and '_' (1-64)")]
    public string Name { get; set; } = "";

    [Required]
    public string Port { get; set; } = "";

    public int BaudRate { get; set; } = 9600;

    public CardReaderFormat Format { get; set; } = CardReaderFormat.AsciiLine;

    [Required]
    public string Door { get; set; } = "";
}
