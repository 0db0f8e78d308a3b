namespace EdgeGate.Storage;

/// <summary>Times are stored as Unix milliseconds (UTC): comparable in SQL, exact to the millisecond.</summary>
internal static class StoredTime
{
    /// <summary>The value as it reads back from the database (whole milliseconds, UTC).</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) => FromStored(ToStored(value));

    public static DateTimeOffset? Truncate(DateTimeOffset? value) => value is { } present ? Truncate(present) : null;

    public static long ToStored(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static object ToStoredOrNull(DateTimeOffset? value) =>
        value is { } present ? present.ToUnixTimeMilliseconds() : DBNull.Value;

    public static DateTimeOffset FromStored(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromStoredOrNull(object value) =>
        value is long milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
}
