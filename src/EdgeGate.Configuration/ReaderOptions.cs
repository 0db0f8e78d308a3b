using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Configuration;

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
    /// <summary>The reader's name in logs and <c>doctor</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Name may hold letters, digits, '-' and '_' (1-64)")]
    public string Name { get; set; } = "";

    /// <summary>Serial device, e.g. /dev/ttyUSB1 or a stable udev link /dev/edgegate-reader.</summary>
    [Required]
    public string Port { get; set; } = "";

    /// <summary>The reader's serial speed (8 data bits, no parity, 1 stop bit).</summary>
    /// <value>a standard rate, 1200 to 4000000</value>
    public int BaudRate { get; set; } = 9600;

    /// <summary>What the reader prints for a card.</summary>
    public CardReaderFormat Format { get; set; } = CardReaderFormat.AsciiLine;

    /// <summary>Name of the door a card read here opens.</summary>
    /// <value>the <c>Name</c> of an entry of <c>Doors</c></value>
    [Required]
    public string Door { get; set; } = "";
}
