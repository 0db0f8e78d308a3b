using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;

namespace EdgeGate.Storage.Persons;

/// <summary>How enum values are spelled in the database (stable text, not enum ordinals).</summary>
internal static class StoredNames
{
    public static string Of(PersonStatus status) => status switch
    {
        PersonStatus.Active => "active",
        PersonStatus.Suspended => "suspended",
        PersonStatus.Deregistered => "deregistered",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown person status"),
    };

    public static PersonStatus PersonStatusFrom(string value) => value switch
    {
        "active" => PersonStatus.Active,
        "suspended" => PersonStatus.Suspended,
        "deregistered" => PersonStatus.Deregistered,
        _ => throw new StorageException($"unknown stored person status '{value}'"),
    };

    public static string Of(PersonCategory category) => category switch
    {
        PersonCategory.Resident => "resident",
        PersonCategory.Staff => "staff",
        PersonCategory.Visitor => "visitor",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "unknown person category"),
    };

    public static PersonCategory CategoryFrom(string value) => value switch
    {
        "resident" => PersonCategory.Resident,
        "staff" => PersonCategory.Staff,
        "visitor" => PersonCategory.Visitor,
        _ => throw new StorageException($"unknown stored person category '{value}'"),
    };

    public static string Of(CardStatus status) => status switch
    {
        CardStatus.Active => "active",
        CardStatus.Revoked => "revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown card status"),
    };

    public static CardStatus CardStatusFrom(string value) => value switch
    {
        "active" => CardStatus.Active,
        "revoked" => CardStatus.Revoked,
        _ => throw new StorageException($"unknown stored card status '{value}'"),
    };

    public static string Of(PassageDirection direction) => direction switch
    {
        PassageDirection.Entry => "entry",
        PassageDirection.Exit => "exit",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown passage direction"),
    };

    public static PassageDirection PassageDirectionFrom(string value) => value switch
    {
        "entry" => PassageDirection.Entry,
        "exit" => PassageDirection.Exit,
        _ => throw new StorageException($"unknown stored passage direction '{value}'"),
    };
}
