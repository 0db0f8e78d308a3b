using System.Diagnostics;
using System.Security.Cryptography;
using EdgeGate.Core.Persons;
using EdgeGate.Gallery;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;
using EdgeGate.Vision.Faces;

namespace EdgeGate.Recognition.Enrolment;

/// <summary>An enrolment photo: its encoded bytes (JPEG, PNG) and a name for messages (file name).</summary>
public sealed record EnrolmentPhoto(string Name, byte[] Content)
{
    public static async Task<EnrolmentPhoto> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        new(Path.GetFileName(path), await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
}

public enum EnrolmentStatus
{
    /// <summary>At least one photo was accepted and its template stored.</summary>
    Enrolled,
    /// <summary>No photo passed the quality gate (each verdict says why).</summary>
    Rejected,
    /// <summary>A photo is too similar to a different enrolled person; nothing was stored.</summary>
    PossibleDuplicate,
    UnknownPerson,
    /// <summary>The person moved out: a deregistered record is final.</summary>
    PersonDeregistered,
    /// <summary>The person has no recorded consent to face recognition (time and recorder): no photo was looked at.</summary>
    ConsentRequired,
}

/// <summary>What became of one photo.</summary>
/// <param name="Name">The photo's name.</param>
/// <param name="Accepted">True when its template was (or would have been) stored.</param>
/// <param name="Reason">"accepted" or the reason in plain words.</param>
/// <param name="Quality">The quality gate's verdict.</param>
/// <param name="DuplicateOf">The other person it resembles, for a possible duplicate.</param>
/// <param name="Similarity">Similarity to that person.</param>
/// <param name="Took">Time spent on this photo (decode, face pipeline, duplicate search).</param>
public sealed record PhotoVerdict(
    string Name,
    bool Accepted,
    string Reason,
    FaceQualityVerdict Quality,
    string? DuplicateOf,
    float? Similarity,
    TimeSpan Took)
{
    /// <summary>
    /// The reason as a stable code: <c>accepted</c>, <c>possible_duplicate</c>, or the quality verdict's
    /// (<c>no_face</c>, <c>several_faces</c>, <c>too_small</c>, <c>too_blurred</c>, <c>pose</c>, <c>unreadable_image</c>).
    /// </summary>
    public string ReasonCode => DuplicateOf is not null ? "possible_duplicate" : Quality.Code();
}

/// <summary>The outcome of an enrolment, with a verdict per photo.</summary>
public sealed record EnrolmentOutcome(
    EnrolmentStatus Status,
    string PersonId,
    string Message,
    IReadOnlyList<PhotoVerdict> Photos,
    IReadOnlyList<long> TemplateIds,
    int AlreadyEnrolledPhotos,
    TimeSpan Took)
{
    public bool Succeeded => Status == EnrolmentStatus.Enrolled;
}

public sealed record EnrolmentOptions
{
    /// <summary>
    /// A new face at least this similar to a DIFFERENT enrolled person is refused as a possible
    /// duplicate (the same resident under two ids, or the wrong photo). On the project's labelled photos
    /// no pair of two persons reaches 0.5 (the closest, two look-alike actors, 0.47) while nearly every
    /// same-person pair does (the lowest 0.46): look-alike residents, such as siblings, can both be
    /// enrolled, and the gate's margin over the second-best person keeps them apart. It is therefore
    /// above the gate's match threshold on purpose.
    /// </summary>
    public float DuplicateSimilarity { get; init; } = 0.5f;
}

/// <summary>
/// Enrolment: photos → face pipeline → quality gate (exactly one face, large, sharp and frontal
/// enough) → duplicate check against every enrolled person → one transaction in the store. Rejections
/// carry the reason in plain words. The gate's gallery follows the store through
/// <see cref="GallerySyncService"/>; this service keeps its own index of everyone enrolled for the
/// duplicate check (refreshed from the store's change feed before each enrolment). One enrolment
/// at a time (the face pipeline is single-threaded).
/// </summary>
public sealed class EnrolmentService : IDisposable
{
    private readonly EdgeGateDatabase database;
    private readonly EnrolmentPhotoCheck photoCheck;
    private readonly EnrolmentOptions options;
    private readonly FaceGallery enrolled;
    private readonly GallerySynchroniser index;
    private readonly SemaphoreSlim gate = new(1, 1);

    public EnrolmentService(EdgeGateDatabase database, FacePipeline pipeline, FaceQualityGate? qualityGate = null, EnrolmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(pipeline);
        this.database = database;
        this.options = options ?? new EnrolmentOptions();
        photoCheck = new EnrolmentPhotoCheck(pipeline, qualityGate ?? new FaceQualityGate());
        ModelId = pipeline.EmbeddingModelId;
        enrolled = new FaceGallery(new FaceGalleryOptions { Dimension = pipeline.EmbeddingDimension });
        index = new GallerySynchroniser(database, enrolled, ModelId, GallerySynchroniser.AnyEnrolled);
    }

    /// <summary>The embedding model templates are stored under.</summary>
    public string ModelId { get; }

    /// <summary>Enrols photos for a person already added (<c>edgegate persons add</c>).</summary>
    public async Task<EnrolmentOutcome> EnrolAsync(string personId, IReadOnlyList<EnrolmentPhoto> photos, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(personId);
        var person = await database.Persons.GetAsync(personId, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new EnrolmentOutcome(EnrolmentStatus.UnknownPerson, personId,
                $"unknown person '{personId}': add them first (edgegate persons add)", [], [], 0, TimeSpan.Zero);
        }
        return await EnrolAsync(person, photos, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Enrols photos for <paramref name="person"/>, adding the person or updating their details in the
    /// same transaction as the templates (the platform's enrol command carries both).
    /// </summary>
    public async Task<EnrolmentOutcome> EnrolAsync(Person person, IReadOnlyList<EnrolmentPhoto> photos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(photos);
        if (photos.Count == 0)
        {
            throw new ArgumentException("at least one photo is needed", nameof(photos));
        }
        if (person.Status == PersonStatus.Deregistered)
        {
            return new EnrolmentOutcome(EnrolmentStatus.PersonDeregistered, person.Id,
                $"person '{person.Id}' is deregistered (moved out); enrol them again under a new id", [], [], 0, TimeSpan.Zero);
        }
        if (!person.HasRecordedConsent)
        {
            return ConsentMissing(person.Id, [], TimeSpan.Zero);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await index.ApplyChangesAsync(cancellationToken).ConfigureAwait(false);
            var verdicts = new List<PhotoVerdict>(photos.Count);
            var templates = new List<FaceTemplate>(photos.Count);
            var now = database.TimeProvider.GetUtcNow();
            foreach (var photo in photos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (verdict, template) = Check(person.Id, photo, now);
                verdicts.Add(verdict);
                if (template is not null)
                {
                    templates.Add(template);
                }
            }

            if (verdicts.FirstOrDefault(verdict => verdict.DuplicateOf is not null) is { } duplicate)
            {
                return new EnrolmentOutcome(EnrolmentStatus.PossibleDuplicate, person.Id,
                    $"{duplicate.Name}: possible duplicate of {duplicate.DuplicateOf} (similarity {duplicate.Similarity:0.00}); nothing was enrolled",
                    verdicts, [], 0, Stopwatch.GetElapsedTime(started));
            }
            if (templates.Count == 0)
            {
                return new EnrolmentOutcome(EnrolmentStatus.Rejected, person.Id,
                    "no photo was accepted: " + string.Join("; ", verdicts.Select(verdict => $"{verdict.Name}: {verdict.Reason}")),
                    verdicts, [], 0, Stopwatch.GetElapsedTime(started));
            }

            var stored = await database.Persons.EnrolAsync(person, templates, cancellationToken).ConfigureAwait(false);
            if (stored.Status == PersonWriteStatus.ConsentRequired)
            {
                return ConsentMissing(person.Id, verdicts, Stopwatch.GetElapsedTime(started));
            }
            if (stored.Status == PersonWriteStatus.Deregistered)
            {
                return new EnrolmentOutcome(EnrolmentStatus.PersonDeregistered, person.Id,
                    $"person '{person.Id}' is deregistered (moved out); enrol them again under a new id", verdicts, [], 0, Stopwatch.GetElapsedTime(started));
            }
            var storedPerson = stored.Person!;
            var ids = stored.TemplateIds;
            index.AddEnrolled(storedPerson, await database.Templates.ListForPersonAsync(person.Id, ModelId, cancellationToken).ConfigureAwait(false));
            var rejected = verdicts.Count(verdict => !verdict.Accepted);
            var message = $"enrolled {person.Id}: {ids.Count} new template(s)"
                + (stored.DuplicatesSkipped > 0 ? $", {stored.DuplicatesSkipped} photo(s) already enrolled" : "")
                + (rejected > 0 ? $", {rejected} photo(s) rejected" : "");
            return new EnrolmentOutcome(EnrolmentStatus.Enrolled, person.Id, message, verdicts, ids, stored.DuplicatesSkipped, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The error code enrolment without recorded consent is refused with, on every surface.</summary>
    public const string ConsentRequiredCode = "consent_required";

    private static EnrolmentOutcome ConsentMissing(string personId, IReadOnlyList<PhotoVerdict> verdicts, TimeSpan took) =>
        new(EnrolmentStatus.ConsentRequired, personId,
            $"{ConsentRequiredCode}: {personId} has no recorded consent to face recognition; record it first " +
            $"(edgegate persons consent {personId} --by <who took it>), then enrol",
            verdicts, [], 0, took);

    public void Dispose()
    {
        enrolled.Dispose();
        gate.Dispose();
    }

    private (PhotoVerdict Verdict, FaceTemplate? Template) Check(string personId, EnrolmentPhoto photo, DateTimeOffset now)
    {
        var started = Stopwatch.GetTimestamp();
        var result = photoCheck.Check(photo.Content);
        if (!result.IsAccepted || result.Face is not { HasEmbedding: true } face)
        {
            return (new PhotoVerdict(photo.Name, false, result.Reason, result.Verdict, null, null, Stopwatch.GetElapsedTime(started)), null);
        }
        var embedding = face.Embedding.ToArray();
        var search = enrolled.Search(embedding);
        // The best match among everyone else: a person's own earlier templates are not duplicates.
        var (otherId, otherSimilarity) = search.BestPersonId == personId
            ? (search.SecondPersonId, search.SecondSimilarity)
            : (search.BestPersonId, search.BestSimilarity);
        if (otherId is not null && otherSimilarity >= options.DuplicateSimilarity)
        {
            return (new PhotoVerdict(photo.Name, false, $"possible duplicate of {otherId}", result.Verdict, otherId, otherSimilarity,
                Stopwatch.GetElapsedTime(started)), null);
        }
        var template = new FaceTemplate
        {
            PersonId = personId,
            ModelId = ModelId,
            Embedding = embedding,
            Quality = (float)face.Quality.Frontalness,
            SourcePhotoSha256 = Convert.ToHexStringLower(SHA256.HashData(photo.Content)),
            EnrolledAt = now,
        };
        return (new PhotoVerdict(photo.Name, true, "accepted", result.Verdict, null, null, Stopwatch.GetElapsedTime(started)), template);
    }
}
