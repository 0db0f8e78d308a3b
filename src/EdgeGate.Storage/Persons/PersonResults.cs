using EdgeGate.Core.Persons;

namespace EdgeGate.Storage.Persons;

public enum PersonWriteStatus
{
    /// <summary>The change was committed; <see cref="PersonWriteResult.Person"/> is the new state.</summary>
    Applied,
    /// <summary>Nothing to do (e.g. suspending a suspended person); the stored state is returned.</summary>
    Unchanged,
    NotFound,
    AlreadyExists,
    /// <summary>The stored version differs from the expected one; the stored state is returned.</summary>
    VersionConflict,
    /// <summary>The person moved out: a deregistered record is final.</summary>
    Deregistered,
    /// <summary>Face data for a person without recorded consent (<see cref="Person.HasRecordedConsent"/>): nothing was stored.</summary>
    ConsentRequired,
}

/// <summary>The outcome of a person change and the person as stored afterwards (null when not found).</summary>
public sealed record PersonWriteResult(PersonWriteStatus Status, Person? Person)
{
    public bool Succeeded => Status is PersonWriteStatus.Applied or PersonWriteStatus.Unchanged;
}

/// <summary>What a deregistration removed, all in the one transaction that changed the status.</summary>
public sealed record DeregistrationResult(
    PersonWriteStatus Status,
    Person? Person,
    int TemplatesDeleted,
    int PhotosDeleted,
    int CardsRevoked);

/// <summary>What a withdrawal of consent removed, in the transaction that cleared the consent.</summary>
public sealed record ConsentWithdrawalResult(PersonWriteStatus Status, Person? Person, int TemplatesDeleted, int PhotosDeleted);

/// <summary>The outcome of <see cref="PersonStore.EnrolAsync"/>: the stored person and the new template ids.</summary>
public sealed record EnrolmentResult(
    PersonWriteStatus Status,
    Person? Person,
    IReadOnlyList<long> TemplateIds,
    int DuplicatesSkipped);

/// <summary>Filter for <see cref="PersonStore.ListAsync"/>.</summary>
public sealed record PersonQuery
{
    public PersonStatus? Status { get; init; }

    /// <summary>Matched (case-insensitively for ASCII) against id, display name and unit.</summary>
    public string? SearchText { get; init; }

    public int Limit { get; init; } = 100;

    public int Offset { get; init; }
}

/// <summary>
/// One person as the in-memory gallery needs it: the record (status, validity, watch list) and the
/// current templates. A deregistered person comes with no templates: remove them.
/// </summary>
public sealed record GalleryEntry(Person Person, IReadOnlyList<FaceTemplate> Templates);

/// <summary>
/// All persons with templates of one model as of <see cref="Version"/>; apply
/// <see cref="PersonStore.GetChangesSinceAsync"/> from that version to stay current.
/// </summary>
public sealed record GallerySnapshot(long Version, IReadOnlyList<GalleryEntry> Entries);

/// <summary>Persons changed after a version, in version order; continue from <see cref="LastVersion"/>.</summary>
public sealed record GalleryChanges(IReadOnlyList<GalleryEntry> Changes, long LastVersion, bool More);
