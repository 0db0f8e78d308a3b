namespace EdgeGate.Core.Persons;

/// <summary>
/// One enrolled face embedding. <see cref="Embedding"/> is L2-normalised and only comparable with
/// templates of the same <see cref="ModelId"/>.
/// </summary>
public sealed record FaceTemplate
{
    public long Id { get; init; }
    public required string PersonId { get; init; }
    public required string ModelId { get; init; }
    public required float[] Embedding { get; init; }
    public float Quality { get; init; }
    /// <summary>SHA-256 of the source photo (hex), so the same photo is not enrolled twice.</summary>
    public string? SourcePhotoSha256 { get; init; }
    public DateTimeOffset EnrolledAt { get; init; }
}
