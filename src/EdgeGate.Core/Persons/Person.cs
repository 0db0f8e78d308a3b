namespace EdgeGate.Core.Persons;

public enum PersonCategory
{
    Resident,
    Staff,
    Visitor,
}

public enum PersonStatus
{
    Active,
    Suspended,
    /// <summary>Moved out: access revoked at once and biometric data deleted from the box.</summary>
    Deregistered,
}

/// <summary>
/// Someone the gate knows. Validity is the closed window
/// [<see cref="ValidFrom"/>, <see cref="ValidUntil"/>]; a null bound means "no limit on that side".
/// </summary>
public sealed record Person
{
    public required string Id { get; init; }
    public required string DisplayName { get; init; }
    public string? Unit { get; init; }
    public PersonCategory Category { get; init; } = PersonCategory.Resident;
    public DateTimeOffset? ValidFrom { get; init; }
    public DateTimeOffset? ValidUntil { get; init; }
    public PersonStatus Status { get; init; } = PersonStatus.Active;
    public bool WatchListed { get; init; }
    public string? WatchListNote { get; init; }
    /// <summary>When the person consented to face recognition at this site (null: no consent, no face data).</summary>
    public DateTimeOffset? ConsentAt { get; init; }

    /// <summary>Who recorded the consent: an operator of the property office, or the platform (null without consent).</summary>
    public string? ConsentRecordedBy { get; init; }

    /// <summary>
    /// Consent is recorded when both its time and its recorder are: only then may the box hold the
    /// person's face templates and photos.
    /// </summary>
    public bool HasRecordedConsent => ConsentAt is not null && !string.IsNullOrWhiteSpace(ConsentRecordedBy);
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Incremented on every change; used for gallery sync and optimistic updates.</summary>
    public long Version { get; init; }

    public bool IsWithinValidity(DateTimeOffset at) =>
        (ValidFrom is null || at >= ValidFrom) && (ValidUntil is null || at <= ValidUntil);
}
