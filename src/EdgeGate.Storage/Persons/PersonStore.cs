using EdgeGate.Core.Persons;
using EdgeGate.Storage.Privacy;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Persons;

/// <summary>
/// Persons: add, update, suspend, reinstate, deregister, and the change feed the in-memory gallery
/// follows. <see cref="Person.Version"/> is a gateway-wide change number: every change to a person (or
/// to their templates) gives them the next number, so "changed since N" is one indexed range.
/// </summary>
public sealed class PersonStore
{
    internal const string Columns =
        "id, display_name, unit, category, valid_from, valid_until, status, watch_listed, watch_list_note, " +
        "consent_at, created_at, updated_at, version, consent_recorded_by";

    private readonly EdgeGateDatabase database;
    private readonly BlobCipher cipher;
    private readonly TemplateStore templates;
    private readonly Lock changeGate = new();
    private long committedVersion;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal PersonStore(EdgeGateDatabase database, BlobCipher cipher, TemplateStore templates)
    {
        this.database = database;
        this.cipher = cipher;
        this.templates = templates;
    }

    /// <summary>
    /// Enrolment in ONE transaction: adds the person (or updates their details if they exist and are not
    /// deregistered) and stores their templates encrypted. Templates from a photo already enrolled for
    /// the same model are skipped. When this returns Applied, all of it is durably committed. Templates
    /// for a person without recorded consent are refused (<see cref="PersonWriteStatus.ConsentRequired"/>,
    /// nothing written); a person updated without consent loses the face data they had.
    /// </summary>
    public Task<EnrolmentResult> EnrolAsync(Person person, IReadOnlyList<FaceTemplate> faceTemplates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(faceTemplates);
        ArgumentException.ThrowIfNullOrWhiteSpace(person.Id);
        if (person.Status == PersonStatus.Deregistered)
        {
            throw new ArgumentException("a person cannot be enrolled as deregistered", nameof(person));
        }
        if (faceTemplates.Any(template => template.PersonId != person.Id))
        {
            throw new ArgumentException("every template must belong to the enrolled person", nameof(faceTemplates));
        }
        var encrypted = faceTemplates.Select(template => (Template: template, Ciphertext: templates.Encrypt(template))).ToList();
        return database.WriteAsync(context =>
        {
            var existing = Find(context, person.Id);
            if (existing is { Status: PersonStatus.Deregistered })
            {
                return new EnrolmentResult(PersonWriteStatus.Deregistered, existing, [], 0);
            }
            if (faceTemplates.Count > 0 && !person.HasRecordedConsent)
            {
                return new EnrolmentResult(PersonWriteStatus.ConsentRequired, existing, [], 0);
            }
            var stored = Normalise(person) with
            {
                CreatedAt = existing?.CreatedAt ?? context.Now,
                UpdatedAt = context.Now,
                Version = NextVersion(context),
            };
            context.Command(
                $"INSERT INTO persons ({Columns}) VALUES ($id, $displayName, $unit, $category, $validFrom, " +
                "$validUntil, $status, $watchListed, $watchListNote, $consentAt, $createdAt, $updatedAt, $version, $consentRecordedBy) " +
                "ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, unit = excluded.unit, " +
                "category = excluded.category, valid_from = excluded.valid_from, valid_until = excluded.valid_until, " +
                "status = excluded.status, watch_listed = excluded.watch_listed, watch_list_note = excluded.watch_list_note, " +
                "consent_at = excluded.consent_at, consent_recorded_by = excluded.consent_recorded_by, " +
                "updated_at = excluded.updated_at, version = excluded.version")
                .WithPerson(stored)
                .Execute();
            var ids = new List<long>(encrypted.Count);
            var duplicates = 0;
            foreach (var (template, ciphertext) in encrypted)
            {
                if (TemplateStore.FindDuplicate(context, template) is not null)
                {
                    duplicates++;
                    continue;
                }
                ids.Add(TemplateStore.Insert(context, template, ciphertext));
            }
            if (!stored.HasRecordedConsent)
            {
                DeleteBiometrics(context, person.Id);
            }
            return new EnrolmentResult(PersonWriteStatus.Applied, stored, ids, duplicates);
        }, cancellationToken);
    }

    /// <summary>Adds a new person; created/updated times and the version are set by the store.</summary>
    public Task<PersonWriteResult> AddAsync(Person person, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentException.ThrowIfNullOrWhiteSpace(person.Id);
        if (person.Status == PersonStatus.Deregistered)
        {
            throw new ArgumentException("a person cannot be added as deregistered", nameof(person));
        }
        return database.WriteAsync(context =>
        {
            if (Find(context, person.Id) is { } existing)
            {
                return new PersonWriteResult(PersonWriteStatus.AlreadyExists, existing);
            }
            var stored = Normalise(person) with
            {
                CreatedAt = context.Now,
                UpdatedAt = context.Now,
                Version = NextVersion(context),
            };
            context.Command(
                $"INSERT INTO persons ({Columns}) VALUES ($id, $displayName, $unit, $category, $validFrom, " +
                "$validUntil, $status, $watchListed, $watchListNote, $consentAt, $createdAt, $updatedAt, $version, $consentRecordedBy)")
                .WithPerson(stored)
                .Execute();
            return new PersonWriteResult(PersonWriteStatus.Applied, stored);
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces the person's details (name, unit, category, validity, watch list, consent, and status
    /// between active and suspended). With <paramref name="expectedVersion"/>, refuses when the stored
    /// version differs (optimistic concurrency).
    /// </summary>
    public Task<PersonWriteResult> UpdateAsync(Person person, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (person.Status == PersonStatus.Deregistered)
        {
            throw new ArgumentException("use DeregisterAsync to deregister a person: it also deletes their biometric data", nameof(person));
        }
        return database.WriteAsync(context =>
        {
            if (Find(context, person.Id) is not { } existing)
            {
                return new PersonWriteResult(PersonWriteStatus.NotFound, null);
            }
            if (existing.Status == PersonStatus.Deregistered)
            {
                return new PersonWriteResult(PersonWriteStatus.Deregistered, existing);
            }
            if (expectedVersion is { } expected && expected != existing.Version)
            {
                return new PersonWriteResult(PersonWriteStatus.VersionConflict, existing);
            }
            var stored = Normalise(person) with
            {
                CreatedAt = existing.CreatedAt,
                UpdatedAt = context.Now,
                Version = NextVersion(context),
            };
            context.Command(
                "UPDATE persons SET display_name = $displayName, unit = $unit, category = $category, " +
                "valid_from = $validFrom, valid_until = $validUntil, status = $status, watch_listed = $watchListed, " +
                "watch_list_note = $watchListNote, consent_at = $consentAt, consent_recorded_by = $consentRecordedBy, " +
                "updated_at = $updatedAt, version = $version WHERE id = $id")
                .WithPerson(stored)
                .Execute();
            if (!stored.HasRecordedConsent)
            {
                // No face data without consent: a change that drops it deletes them in the same transaction.
                DeleteBiometrics(context, person.Id);
            }
            return new PersonWriteResult(PersonWriteStatus.Applied, stored);
        }, cancellationToken);
    }

    /// <summary>
    /// Records the person's consent to face recognition: when (<paramref name="consentAt"/>) and who
    /// recorded it (<paramref name="recordedBy"/>: an operator's name, or the platform).
    /// </summary>
    public Task<PersonWriteResult> RecordConsentAsync(string personId, DateTimeOffset consentAt, string recordedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordedBy);
        return database.WriteAsync(context =>
        {
            if (Find(context, personId) is not { } existing)
            {
                return new PersonWriteResult(PersonWriteStatus.NotFound, null);
            }
            if (existing.Status == PersonStatus.Deregistered)
            {
                return new PersonWriteResult(PersonWriteStatus.Deregistered, existing);
            }
            var stored = existing with
            {
                ConsentAt = StoredTime.Truncate(consentAt),
                ConsentRecordedBy = recordedBy.Trim(),
                UpdatedAt = context.Now,
                Version = NextVersion(context),
            };
            context.Command(
                "UPDATE persons SET consent_at = $consentAt, consent_recorded_by = $consentRecordedBy, " +
                "updated_at = $updatedAt, version = $version WHERE id = $id")
                .WithPerson(stored)
                .Execute();
            return new PersonWriteResult(PersonWriteStatus.Applied, stored);
        }, cancellationToken);
    }

    /// <summary>
    /// Withdrawal of consent, in ONE transaction: clears the consent and deletes every face template and
    /// photo of the person (PIPL Art. 15 and 47). Cards and the person's record stay: they keep access by
    /// card. Repeating it is harmless (<see cref="PersonWriteStatus.Unchanged"/>).
    /// </summary>
    public Task<ConsentWithdrawalResult> WithdrawConsentAsync(string personId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(context =>
        {
            if (Find(context, personId) is not { } existing)
            {
                return new ConsentWithdrawalResult(PersonWriteStatus.NotFound, null, 0, 0);
            }
            var (templates, photos) = DeleteBiometrics(context, personId);
            if (existing.ConsentAt is null && existing.ConsentRecordedBy is null && templates == 0 && photos == 0)
            {
                return new ConsentWithdrawalResult(PersonWriteStatus.Unchanged, existing, 0, 0);
            }
            var stored = existing with { ConsentAt = null, ConsentRecordedBy = null, UpdatedAt = context.Now, Version = NextVersion(context) };
            context.Command(
                "UPDATE persons SET consent_at = NULL, consent_recorded_by = NULL, updated_at = $updatedAt, version = $version WHERE id = $id")
                .With("$id", personId)
                .With("$updatedAt", StoredTime.ToStored(stored.UpdatedAt))
                .With("$version", stored.Version)
                .Execute();
            context.AfterCommit(() => EdgeGateDatabase.TruncateWriteAheadLog(context.Connection));
            return new ConsentWithdrawalResult(PersonWriteStatus.Applied, stored, templates, photos);
        }, cancellationToken);

    /// <summary>Suspends access (templates and cards are kept, the gallery reports the person as suspended).</summary>
    public Task<PersonWriteResult> SuspendAsync(string personId, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(personId, PersonStatus.Suspended, cancellationToken);

    /// <summary>Lifts a suspension.</summary>
    public Task<PersonWriteResult> ReinstateAsync(string personId, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(personId, PersonStatus.Active, cancellationToken);

    /// <summary>
    /// Move-out: in ONE transaction sets the status to deregistered, deletes every face template and
    /// photo of the person, revokes their cards, forgets their anti-passback state and their external
    /// id hash. Repeating it is harmless (<see cref="PersonWriteStatus.Unchanged"/>).
    /// </summary>
    public Task<DeregistrationResult> DeregisterAsync(string personId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(context =>
        {
            if (Find(context, personId) is not { } existing)
            {
                return new DeregistrationResult(PersonWriteStatus.NotFound, null, 0, 0, 0);
            }
            var (templates, photos) = DeleteBiometrics(context, personId);
            context.Command("DELETE FROM passages WHERE person_id = $id").With("$id", personId).Execute();
            var cards = context.Command(
                "UPDATE cards SET status = 'revoked', updated_at = $now WHERE person_id = $id AND status = 'active'")
                .With("$id", personId)
                .With("$now", StoredTime.ToStored(context.Now))
                .Execute();
            if (existing.Status == PersonStatus.Deregistered && templates == 0 && photos == 0 && cards == 0)
            {
                return new DeregistrationResult(PersonWriteStatus.Unchanged, existing, 0, 0, 0);
            }
            var stored = existing with
            {
                Status = PersonStatus.Deregistered,
                UpdatedAt = context.Now,
                Version = NextVersion(context),
            };
            context.Command(
                "UPDATE persons SET status = 'deregistered', external_id_hash = NULL, updated_at = $updatedAt, " +
                "version = $version WHERE id = $id")
                .With("$id", personId)
                .With("$updatedAt", StoredTime.ToStored(stored.UpdatedAt))
                .With("$version", stored.Version)
                .Execute();
            context.AfterCommit(() => EdgeGateDatabase.TruncateWriteAheadLog(context.Connection));
            return new DeregistrationResult(PersonWriteStatus.Applied, stored, templates, photos, cards);
        }, cancellationToken);

    public Task<Person?> GetAsync(string personId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM persons WHERE id = $id").With("$id", personId);
            return ReadOne(command);
        }, cancellationToken);

    /// <summary>Persons ordered by display name, filtered by status and search text.</summary>
    public Task<IReadOnlyList<Person>> ListAsync(PersonQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new PersonQuery();
        return database.ReadAsync(connection =>
        {
            var pattern = string.IsNullOrWhiteSpace(query.SearchText) ? null : "%" + EscapeLike(query.SearchText.Trim()) + "%";
            using var command = connection.Command(
                $"SELECT {Columns} FROM persons " +
                "WHERE ($status IS NULL OR status = $status) " +
                "AND ($pattern IS NULL OR id LIKE $pattern ESCAPE '\\' OR display_name LIKE $pattern ESCAPE '\\' " +
                "OR unit LIKE $pattern ESCAPE '\\') " +
                "ORDER BY display_name, id LIMIT $limit OFFSET $offset")
                .With("$status", query.Status is { } status ? StoredNames.Of(status) : null)
                .With("$pattern", pattern)
                .With("$limit", query.Limit)
                .With("$offset", query.Offset);
            return (IReadOnlyList<Person>)ReadAll(command);
        }, cancellationToken);
    }

    /// <summary>The highest person version handed out so far (the gallery's "up to date" mark).</summary>
    public Task<long> GetLatestVersionAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(LatestVersion, cancellationToken);

    /// <summary>
    /// Persons changed after <paramref name="afterVersion"/> (enrolled, updated, suspended, reinstated,
    /// deregistered, templates added or removed), oldest change first, each with their current templates
    /// (of <paramref name="modelId"/> only, when given). Deregistered persons come with none.
    /// </summary>
    public Task<GalleryChanges> GetChangesSinceAsync(long afterVersion, string? modelId = null, int maximum = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, 1);
        return database.ReadAsync(connection =>
        {
            using var command = connection.Command(
                $"SELECT {Columns} FROM persons WHERE version > $after ORDER BY version LIMIT $limit")
                .With("$after", afterVersion)
                .With("$limit", maximum + 1);
            var persons = ReadAll(command);
            var more = persons.Count > maximum;
            if (more)
            {
                persons.RemoveAt(persons.Count - 1);
            }
            var changes = new List<GalleryEntry>(persons.Count);
            foreach (var person in persons)
            {
                var templates = person.Status == PersonStatus.Deregistered
                    ? []
                    : TemplateStore.ReadForPerson(connection, cipher, person.Id, modelId);
                changes.Add(new GalleryEntry(person, templates));
            }
            var last = persons.Count > 0 ? persons[^1].Version : Math.Max(afterVersion, 0);
            return new GalleryChanges(changes, last, more);
        }, cancellationToken);
    }

    /// <summary>
    /// Links a salted hash of an external id (see <see cref="ExternalIdHasher"/>) to the person; the
    /// raw id is never given to the store. Returns false when the person does not exist or is
    /// deregistered; another person holding the same hash is an <see cref="ArgumentException"/>.
    /// </summary>
    public Task<bool> SetExternalIdHashAsync(string personId, string externalIdHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(externalIdHash);
        if (externalIdHash.Length != 64 || !externalIdHash.All(Uri.IsHexDigit))
        {
            throw new ArgumentException("pass the hash from ExternalIdHasher.Hash, never the raw id", nameof(externalIdHash));
        }
        return database.WriteAsync(context =>
        {
            var holder = context.Command("SELECT id FROM persons WHERE external_id_hash = $hash")
                .With("$hash", externalIdHash);
            using (holder)
            {
                if (holder.ExecuteScalar() is string other && other != personId)
                {
                    throw new ArgumentException($"that external id already belongs to person {other}", nameof(externalIdHash));
                }
            }
            return context.Command(
                "UPDATE persons SET external_id_hash = $hash, updated_at = $now WHERE id = $id AND status <> 'deregistered'")
                .With("$hash", externalIdHash)
                .With("$now", StoredTime.ToStored(context.Now))
                .With("$id", personId)
                .Execute() == 1;
        }, cancellationToken);
    }

    public Task<Person?> FindByExternalIdHashAsync(string externalIdHash, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM persons WHERE external_id_hash = $hash")
                .With("$hash", externalIdHash);
            return ReadOne(command);
        }, cancellationToken);

    private Task<PersonWriteResult> ChangeStatusAsync(string personId, PersonStatus status, CancellationToken cancellationToken) =>
        database.WriteAsync(context =>
        {
            if (Find(context, personId) is not { } existing)
            {
                return new PersonWriteResult(PersonWriteStatus.NotFound, null);
            }
            if (existing.Status == PersonStatus.Deregistered)
            {
                return new PersonWriteResult(PersonWriteStatus.Deregistered, existing);
            }
            if (existing.Status == status)
            {
                return new PersonWriteResult(PersonWriteStatus.Unchanged, existing);
            }
            var stored = existing with { Status = status, UpdatedAt = context.Now, Version = NextVersion(context) };
            context.Command("UPDATE persons SET status = $status, updated_at = $updatedAt, version = $version WHERE id = $id")
                .With("$id", personId)
                .With("$status", StoredNames.Of(status))
                .With("$updatedAt", StoredTime.ToStored(stored.UpdatedAt))
                .With("$version", stored.Version)
                .Execute();
            return new PersonWriteResult(PersonWriteStatus.Applied, stored);
        }, cancellationToken);

    /// <summary>
    /// Completes when a person version above <paramref name="afterVersion"/> is committed (at once if one
    /// already is). The gallery waits here, then reads <see cref="GetChangesSinceAsync"/>: no polling.
    /// </summary>
    public async Task WaitForChangeAsync(long afterVersion, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task next;
            lock (changeGate)
            {
                if (committedVersion > afterVersion)
                {
                    return;
                }
                next = changed.Task;
            }
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Initialise(SqliteConnection writer) => committedVersion = LatestVersion(writer);

    internal void OnVersionCommitted(long version)
    {
        TaskCompletionSource completed;
        lock (changeGate)
        {
            if (version <= committedVersion)
            {
                return;
            }
            committedVersion = version;
            completed = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        completed.TrySetResult();
    }

    /// <summary>Deletes the person's face templates and photos (inside the caller's write transaction).</summary>
    private static (int Templates, int Photos) DeleteBiometrics(WriteContext context, string personId) =>
        (context.Command("DELETE FROM face_templates WHERE person_id = $id").With("$id", personId).Execute(),
         context.Command("DELETE FROM face_photos WHERE person_id = $id").With("$id", personId).Execute());

    /// <summary>Hands out the next gateway-wide person version (inside the caller's write transaction).</summary>
    internal static long NextVersion(WriteContext context)
    {
        var version = context.Command("UPDATE counters SET value = value + 1 WHERE name = 'person_version' RETURNING value").ScalarInt64();
        context.AfterCommit(() => context.PersonVersionCommitted(version));
        return version;
    }

    /// <summary>Gives the person the next version (their templates changed).</summary>
    internal static long Touch(WriteContext context, string personId)
    {
        var version = NextVersion(context);
        context.Command("UPDATE persons SET version = $version, updated_at = $now WHERE id = $id")
            .With("$version", version)
            .With("$now", StoredTime.ToStored(context.Now))
            .With("$id", personId)
            .Execute();
        return version;
    }

    internal static Person? Find(WriteContext context, string personId)
    {
        using var command = context.Command($"SELECT {Columns} FROM persons WHERE id = $id").With("$id", personId);
        return ReadOne(command);
    }

    internal static long LatestVersion(SqliteConnection connection) =>
        connection.Command("SELECT value FROM counters WHERE name = 'person_version'").ScalarInt64();

    internal static Person? ReadOne(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? Map(reader) : null;
    }

    internal static List<Person> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var persons = new List<Person>();
        while (reader.Read())
        {
            persons.Add(Map(reader));
        }
        return persons;
    }

    /// <summary>Maps the <see cref="Columns"/> list, starting at <paramref name="first"/>.</summary>
    internal static Person Map(SqliteDataReader reader, int first = 0) => new()
    {
        Id = reader.GetString(first),
        DisplayName = reader.GetString(first + 1),
        Unit = reader.GetStringOrNull(first + 2),
        Category = StoredNames.CategoryFrom(reader.GetString(first + 3)),
        ValidFrom = StoredTime.FromStoredOrNull(reader.GetValue(first + 4)),
        ValidUntil = StoredTime.FromStoredOrNull(reader.GetValue(first + 5)),
        Status = StoredNames.PersonStatusFrom(reader.GetString(first + 6)),
        WatchListed = reader.GetInt64(first + 7) != 0,
        WatchListNote = reader.GetStringOrNull(first + 8),
        ConsentAt = StoredTime.FromStoredOrNull(reader.GetValue(first + 9)),
        CreatedAt = StoredTime.FromStored(reader.GetInt64(first + 10)),
        UpdatedAt = StoredTime.FromStored(reader.GetInt64(first + 11)),
        Version = reader.GetInt64(first + 12),
        ConsentRecordedBy = reader.GetStringOrNull(first + 13),
    };

    private static Person Normalise(Person person) => person with
    {
        ValidFrom = StoredTime.Truncate(person.ValidFrom),
        ValidUntil = StoredTime.Truncate(person.ValidUntil),
        ConsentAt = StoredTime.Truncate(person.ConsentAt),
        ConsentRecordedBy = string.IsNullOrWhiteSpace(person.ConsentRecordedBy) ? null : person.ConsentRecordedBy.Trim(),
    };

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}

internal static class PersonParameters
{
    public static SqliteCommand WithPerson(this SqliteCommand command, Person person) => command
        .With("$id", person.Id)
        .With("$displayName", person.DisplayName)
        .With("$unit", person.Unit)
        .With("$category", StoredNames.Of(person.Category))
        .With("$validFrom", StoredTime.ToStoredOrNull(person.ValidFrom))
        .With("$validUntil", StoredTime.ToStoredOrNull(person.ValidUntil))
        .With("$status", StoredNames.Of(person.Status))
        .With("$watchListed", person.WatchListed ? 1 : 0)
        .With("$watchListNote", person.WatchListNote)
        .With("$consentAt", StoredTime.ToStoredOrNull(person.ConsentAt))
        .With("$consentRecordedBy", person.ConsentRecordedBy)
        .With("$createdAt", StoredTime.ToStored(person.CreatedAt))
        .With("$updatedAt", StoredTime.ToStored(person.UpdatedAt))
        .With("$version", person.Version);
}
