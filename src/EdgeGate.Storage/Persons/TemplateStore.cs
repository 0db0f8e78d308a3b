using System.Runtime.InteropServices;
using System.Security.Cryptography;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Privacy;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Persons;

public enum TemplateWriteStatus
{
    Applied,
    PersonNotFound,
    /// <summary>The person is deregistered: no biometric data may be stored for them.</summary>
    PersonDeregistered,
    /// <summary>A template of this model from the same photo (same SHA-256) is already stored.</summary>
    DuplicatePhoto,
    /// <summary>The person has no recorded consent to face recognition: no biometric data may be stored for them.</summary>
    ConsentRequired,
}

/// <summary>The outcome of storing a template or photo; the id and the person's new version on success.</summary>
public sealed record TemplateWriteResult(TemplateWriteStatus Status, long Id, long PersonVersion);

/// <summary>A stored (decrypted) face photo.</summary>
public sealed record FacePhoto(long Id, string PersonId, string Sha256, string ContentType, byte[] Content, DateTimeOffset StoredAt);

/// <summary>
/// Face templates and photos, encrypted at rest with AES-256-GCM (random nonce per blob, the person id
/// and model id as associated data). Adding or deleting a template gives the person a new version so
/// the gallery's change feed picks it up.
/// </summary>
public sealed class TemplateStore
{
    private const string Columns =
        "t.id, t.person_id, t.model_id, t.dimensions, t.embedding_ciphertext, t.quality, t.source_photo_sha256, t.enrolled_at";

    private readonly EdgeGateDatabase database;
    private readonly BlobCipher cipher;

    internal TemplateStore(EdgeGateDatabase database, BlobCipher cipher)
    {
        this.database = database;
        this.cipher = cipher;
    }

    /// <summary>
    /// Encrypts and stores one embedding for a person (active or suspended). The template's Id and
    /// EnrolledAt are assigned by the store.
    /// </summary>
    public Task<TemplateWriteResult> AddAsync(FaceTemplate template, CancellationToken cancellationToken = default)
    {
        var ciphertext = Encrypt(template);
        return database.WriteAsync(context =>
        {
            if (PersonStore.Find(context, template.PersonId) is not { } person)
            {
                return new TemplateWriteResult(TemplateWriteStatus.PersonNotFound, 0, 0);
            }
            if (person.Status == PersonStatus.Deregistered)
            {
                return new TemplateWriteResult(TemplateWriteStatus.PersonDeregistered, 0, person.Version);
            }
            if (!person.HasRecordedConsent)
            {
                return new TemplateWriteResult(TemplateWriteStatus.ConsentRequired, 0, person.Version);
            }
            if (FindDuplicate(context, template) is { } existingId)
            {
                return new TemplateWriteResult(TemplateWriteStatus.DuplicatePhoto, existingId, person.Version);
            }
            var id = Insert(context, template, ciphertext);
            var version = PersonStore.Touch(context, template.PersonId);
            return new TemplateWriteResult(TemplateWriteStatus.Applied, id, version);
        }, cancellationToken);
    }

    internal byte[] Encrypt(FaceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(template.PersonId);
        ArgumentException.ThrowIfNullOrWhiteSpace(template.ModelId);
        if (template.Embedding is null || template.Embedding.Length == 0)
        {
            throw new ArgumentException("a template needs a non-empty embedding", nameof(template));
        }
        var plaintext = MemoryMarshal.AsBytes(template.Embedding.AsSpan()).ToArray();
        try
        {
            return cipher.Encrypt(plaintext, TemplateAssociatedData(template.PersonId, template.ModelId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    internal static long? FindDuplicate(WriteContext context, FaceTemplate template)
    {
        if (template.SourcePhotoSha256 is not { } sha256)
        {
            return null;
        }
        using var duplicate = context.Command(
            "SELECT id FROM face_templates WHERE person_id = $person AND model_id = $model AND source_photo_sha256 = $sha")
            .With("$person", template.PersonId)
            .With("$model", template.ModelId)
            .With("$sha", sha256);
        return duplicate.ExecuteScalar() as long?;
    }

    internal static long Insert(WriteContext context, FaceTemplate template, byte[] ciphertext) =>
        context.Command(
            "INSERT INTO face_templates (person_id, model_id, dimensions, embedding_ciphertext, quality, " +
            "source_photo_sha256, enrolled_at) VALUES ($person, $model, $dimensions, $ciphertext, $quality, $sha, $at) " +
            "RETURNING id")
            .With("$person", template.PersonId)
            .With("$model", template.ModelId)
            .With("$dimensions", template.Embedding.Length)
            .With("$ciphertext", ciphertext)
            .With("$quality", (double)template.Quality)
            .With("$sha", template.SourcePhotoSha256)
            .With("$at", StoredTime.ToStored(context.Now))
            .ScalarInt64();

    /// <summary>Deletes one template; false when it does not exist.</summary>
    public Task<bool> DeleteAsync(long templateId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(context =>
        {
            using var find = context.Command("SELECT person_id FROM face_templates WHERE id = $id").With("$id", templateId);
            if (find.ExecuteScalar() is not string personId)
            {
                return false;
            }
            context.Command("DELETE FROM face_templates WHERE id = $id").With("$id", templateId).Execute();
            PersonStore.Touch(context, personId);
            context.AfterCommit(() => EdgeGateDatabase.TruncateWriteAheadLog(context.Connection));
            return true;
        }, cancellationToken);

    /// <summary>The person's templates (decrypted), optionally of one model only.</summary>
    public Task<IReadOnlyList<FaceTemplate>> ListForPersonAsync(string personId, string? modelId = null, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection => ReadForPerson(connection, cipher, personId, modelId), cancellationToken);

    /// <summary>Every stored template of one model, whatever the person's status.</summary>
    public Task<IReadOnlyList<FaceTemplate>> ListByModelAsync(string modelId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM face_templates t WHERE t.model_id = $model ORDER BY t.id")
                .With("$model", modelId);
            return (IReadOnlyList<FaceTemplate>)Read(command, cipher);
        }, cancellationToken);

    /// <summary>
    /// Everything the gallery needs to build itself for one model, read in one snapshot: the persons
    /// that are not deregistered and have templates of that model, and the version to follow changes
    /// from (<see cref="PersonStore.GetChangesSinceAsync"/>).
    /// </summary>
    public Task<GallerySnapshot> LoadGalleryAsync(string modelId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            var version = PersonStore.LatestVersion(connection);
            var persons = new Dictionary<string, Person>(StringComparer.Ordinal);
            using (var command = connection.Command(
                $"SELECT {PersonStore.Columns} FROM persons WHERE status <> 'deregistered' " +
                "AND id IN (SELECT person_id FROM face_templates WHERE model_id = $model)")
                .With("$model", modelId))
            {
                foreach (var person in PersonStore.ReadAll(command))
                {
                    persons[person.Id] = person;
                }
            }
            var templates = new Dictionary<string, List<FaceTemplate>>(StringComparer.Ordinal);
            using (var command = connection.Command(
                $"SELECT {Columns} FROM face_templates t JOIN persons p ON p.id = t.person_id " +
                "WHERE t.model_id = $model AND p.status <> 'deregistered' ORDER BY t.person_id, t.id")
                .With("$model", modelId))
            {
                foreach (var template in Read(command, cipher))
                {
                    if (!templates.TryGetValue(template.PersonId, out var list))
                    {
                        templates[template.PersonId] = list = [];
                    }
                    list.Add(template);
                }
            }
            var entries = persons.Values
                .OrderBy(person => person.Id, StringComparer.Ordinal)
                .Select(person => new GalleryEntry(person, templates.GetValueOrDefault(person.Id) ?? []))
                .ToList();
            return new GallerySnapshot(version, entries);
        }, cancellationToken);

    /// <summary>Stores a face photo encrypted (e.g. an enrolment source); deleted on deregistration.</summary>
    public Task<TemplateWriteResult> AddPhotoAsync(string personId, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var ciphertext = cipher.Encrypt(content.Span, PhotoAssociatedData(personId, sha256));
        return database.WriteAsync(context =>
        {
            if (PersonStore.Find(context, personId) is not { } person)
            {
                return new TemplateWriteResult(TemplateWriteStatus.PersonNotFound, 0, 0);
            }
            if (person.Status == PersonStatus.Deregistered)
            {
                return new TemplateWriteResult(TemplateWriteStatus.PersonDeregistered, 0, person.Version);
            }
            if (!person.HasRecordedConsent)
            {
                return new TemplateWriteResult(TemplateWriteStatus.ConsentRequired, 0, person.Version);
            }
            var id = context.Command(
                "INSERT INTO face_photos (person_id, sha256, content_type, content_ciphertext, stored_at) " +
                "VALUES ($person, $sha, $type, $ciphertext, $at) RETURNING id")
                .With("$person", personId)
                .With("$sha", sha256)
                .With("$type", contentType)
                .With("$ciphertext", ciphertext)
                .With("$at", StoredTime.ToStored(context.Now))
                .ScalarInt64();
            return new TemplateWriteResult(TemplateWriteStatus.Applied, id, person.Version);
        }, cancellationToken);
    }

    /// <summary>The person's stored photos, decrypted.</summary>
    public Task<IReadOnlyList<FacePhoto>> ListPhotosAsync(string personId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.Command(
                "SELECT id, person_id, sha256, content_type, content_ciphertext, stored_at FROM face_photos " +
                "WHERE person_id = $person ORDER BY id")
                .With("$person", personId);
            using var reader = command.ExecuteReader();
            var photos = new List<FacePhoto>();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                var sha256 = reader.GetString(2);
                var content = cipher.Decrypt(
                    (byte[])reader.GetValue(4), PhotoAssociatedData(personId, sha256), $"photo {id} of person {personId}");
                photos.Add(new FacePhoto(id, personId, sha256, reader.GetString(3), content, StoredTime.FromStored(reader.GetInt64(5))));
            }
            return (IReadOnlyList<FacePhoto>)photos;
        }, cancellationToken);

    internal static IReadOnlyList<FaceTemplate> ReadForPerson(SqliteConnection connection, BlobCipher cipher, string personId, string? modelId)
    {
        using var command = connection.Command(
            $"SELECT {Columns} FROM face_templates t WHERE t.person_id = $person AND ($model IS NULL OR t.model_id = $model) ORDER BY t.id")
            .With("$person", personId)
            .With("$model", modelId);
        return Read(command, cipher);
    }

    private static List<FaceTemplate> Read(SqliteCommand command, BlobCipher cipher)
    {
        using var reader = command.ExecuteReader();
        var templates = new List<FaceTemplate>();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            var personId = reader.GetString(1);
            var modelId = reader.GetString(2);
            var dimensions = reader.GetInt32(3);
            var plaintext = cipher.Decrypt(
                (byte[])reader.GetValue(4), TemplateAssociatedData(personId, modelId), $"face template {id} of person {personId}");
            if (plaintext.Length != dimensions * sizeof(float))
            {
                throw new StorageException($"face template {id} holds {plaintext.Length} bytes, expected {dimensions} floats");
            }
            var embedding = MemoryMarshal.Cast<byte, float>(plaintext).ToArray();
            CryptographicOperations.ZeroMemory(plaintext);
            templates.Add(new FaceTemplate
            {
                Id = id,
                PersonId = personId,
                ModelId = modelId,
                Embedding = embedding,
                Quality = (float)reader.GetDouble(5),
                SourcePhotoSha256 = reader.GetStringOrNull(6),
                EnrolledAt = StoredTime.FromStored(reader.GetInt64(7)),
            });
        }
        return templates;
    }

    private static byte[] TemplateAssociatedData(string personId, string modelId) =>
        BlobCipher.AssociatedData("face-template", personId, modelId);

    private static byte[] PhotoAssociatedData(string personId, string sha256) =>
        BlobCipher.AssociatedData("face-photo", personId, sha256);
}
