namespace EdgeGate.Core.Persons;

public enum CardStatus
{
    Active,
    Revoked,
}

/// <summary>A door card (RFID/Wiegand). It has its own expiry, renewed by the property office.</summary>
public sealed record Card
{
    /// <summary>The card number as the reader reports it, normalised (see <see cref="NormaliseUid"/>).</summary>
    public required string Uid { get; init; }
    public required string PersonId { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset ValidUntil { get; init; }
    public CardStatus Status { get; init; } = CardStatus.Active;

    public bool IsExpired(DateTimeOffset at) => at > ValidUntil;

    /// <summary>Upper-case, trimmed, leading zeros kept: readers differ only in case and padding spaces.</summary>
    public static string NormaliseUid(string uid) => uid.Trim().ToUpperInvariant();
}
