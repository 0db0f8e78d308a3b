using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Configuration;

/// <summary>
/// Section <c>Journal</c>: the local access history. Every journal row (access decisions, door events,
/// alerts) stays on the box after the platform acknowledged it, until it is older than
/// <see cref="HistoryRetention"/> or beyond the newest <see cref="HistoryMaxRows"/>. A row the platform
/// has not acknowledged is kept whatever its age (<c>Uplink:JournalCapacity</c> bounds those).
/// </summary>
public sealed class JournalOptions
{
    public const string SectionName = "Journal";

    /// <summary>How long acknowledged rows are kept (by the time they were recorded).</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Acknowledged rows kept at most, oldest removed first. About 780 bytes a row on disk for a face
    /// decision with its liveness evidence, index entries included: 200,000 rows ≈ 160 MB.
    /// </summary>
    [Range(1000, 100_000_000)]
    public int HistoryMaxRows { get; set; } = 200_000;
}
