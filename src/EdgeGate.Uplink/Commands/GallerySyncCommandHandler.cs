using System.Globalization;
using System.Text.Json.Nodes;
using EdgeGate.Core.Persons;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Uplink.Commands;

/// <summary>
/// <c>gallery_sync</c>: the platform's person list, versioned. A delta (<c>full: false</c>) applies only on
/// top of the version the box last applied (<c>baseVersion</c>); otherwise it is answered
/// <c>version_gap</c> with the box's version so the platform sends the right delta, or a full list
/// when its change history no longer reaches back that far. A full list (<c>full: true</c>) upserts
/// everyone in it and deregisters every person on the box that is not in it. The applied version is
/// recorded (sync cursor <see cref="UplinkSession.GalleryVersionCursor"/>) and asked for on every
/// reconnection.
/// </summary>
public sealed class GallerySyncCommandHandler(EdgeGateDatabase database, TemplateSettings templateSettings, TimeProvider timeProvider) : IPlatformCommandHandler
{
    public const int MaximumPersons = 500;
    public const int MaximumRemovals = 5000;

    public string Name => "gallery_sync";

    public async Task<PlatformCommandResult> HandleAsync(PlatformCommand command, CancellationToken cancellationToken)
    {
        var body = command.Body;
        CommandFields.OnlyKnown(body, "baseVersion", "version", "full", "persons", "removed");
        var full = CommandFields.OptionalBoolean(body, "full") ?? false;
        var version = CommandFields.RequiredInteger(body, "version", 0, long.MaxValue);
        var baseVersion = full ? 0 : CommandFields.RequiredInteger(body, "baseVersion", 0, long.MaxValue);
        if (!full && version < baseVersion)
        {
            throw CommandFields.Invalid("version", "must not be below baseVersion");
        }
        var personItems = CommandFields.OptionalArray(body, "persons", MaximumPersons);
        var removedItems = CommandFields.OptionalArray(body, "removed", MaximumRemovals);

        // Validate everything before changing anything.
        var upserts = new List<(Person Person, IReadOnlyList<FaceTemplate> Templates, string? Status)>(personItems.Count);
        var now = timeProvider.GetUtcNow();
        for (var i = 0; i < personItems.Count; i++)
        {
            var item = CommandFields.RequiredObject(personItems[i], $"persons[{i}]");
            CommandFields.OnlyKnown(item, [.. PersonCommandFields.PersonFieldNames, "templates", "status"]);
            try
            {
                var person = PersonCommandFields.ReadPerson(item, null);
                var status = CommandFields.OptionalString(item, "status", 16, s => s is "active" or "suspended", "must be active or suspended");
                upserts.Add((person, PersonCommandFields.ReadTemplates(item, person.Id, templateSettings, now), status));
            }
            catch (CommandRejectedException rejected)
            {
                throw new CommandRejectedException(rejected.Code, $"persons[{i}].{rejected.Message}");
            }
        }
        var removed = new List<string>(removedItems.Count);
        for (var i = 0; i < removedItems.Count; i++)
        {
            var text = removedItems[i].ValueKind == System.Text.Json.JsonValueKind.String ? CommandFields.Text(removedItems[i], $"removed[{i}]") : "";
            if (!CommandFields.IsIdentifier(text))
            {
                throw CommandFields.Invalid($"removed[{i}]", "must be a person id");
            }
            removed.Add(text);
        }

        var current = await CurrentVersionAsync(cancellationToken).ConfigureAwait(false);
        if (!full)
        {
            if (version <= current && baseVersion < current)
            {
                return PlatformCommandResult.Success(new JsonObject { ["version"] = current, ["alreadyApplied"] = true });
            }
            if (baseVersion != current)
            {
                return PlatformCommandResult.Error(CommandErrorCodes.VersionGap,
                    $"baseVersion: this gateway is at version {current}, not {baseVersion}; send the changes since {current} or a full list",
                    new JsonObject { ["version"] = current });
            }
        }

        var applied = 0;
        var skipped = new JsonObject();
        foreach (var (person, templates, status) in upserts)
        {
            var existing = await database.Persons.GetAsync(person.Id, cancellationToken).ConfigureAwait(false);
            if (existing is { Status: PersonStatus.Deregistered })
            {
                skipped[person.Id] = "deregistered";
                continue;
            }
            var enrolled = await database.Persons.EnrolAsync(person, templates, cancellationToken).ConfigureAwait(false);
            if (enrolled.Status is not (PersonWriteStatus.Applied or PersonWriteStatus.Unchanged))
            {
                skipped[person.Id] = enrolled.Status == PersonWriteStatus.ConsentRequired ? CommandErrorCodes.ConsentRequired : enrolled.Status.ToString();
                continue;
            }
            var wanted = status == "suspended" ? PersonStatus.Suspended : PersonStatus.Active;
            if (enrolled.Person is { } stored && stored.Status != wanted)
            {
                _ = wanted == PersonStatus.Suspended
                    ? await database.Persons.SuspendAsync(person.Id, cancellationToken).ConfigureAwait(false)
                    : await database.Persons.ReinstateAsync(person.Id, cancellationToken).ConfigureAwait(false);
            }
            applied++;
        }

        var deregistered = 0;
        var toRemove = new HashSet<string>(removed, StringComparer.Ordinal);
        if (full)
        {
            var keep = upserts.Select(u => u.Person.Id).ToHashSet(StringComparer.Ordinal);
            for (var offset = 0; ; offset += 500)
            {
                var page = await database.Persons.ListAsync(new PersonQuery { Limit = 500, Offset = offset }, cancellationToken).ConfigureAwait(false);
                foreach (var person in page)
                {
                    if (person.Status != PersonStatus.Deregistered && !keep.Contains(person.Id))
                    {
                        toRemove.Add(person.Id);
                    }
                }
                if (page.Count < 500)
                {
                    break;
                }
            }
        }
        foreach (var id in toRemove)
        {
            var result = await database.Persons.DeregisterAsync(id, cancellationToken).ConfigureAwait(false);
            if (result.Status == PersonWriteStatus.Applied)
            {
                deregistered++;
            }
        }

        await database.SyncCursors.SetAsync(UplinkSession.GalleryVersionCursor, version.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return PlatformCommandResult.Success(new JsonObject
        {
            ["version"] = version,
            ["full"] = full,
            ["upserted"] = applied,
            ["deregistered"] = deregistered,
            ["skipped"] = skipped,
        });
    }

    private async Task<long> CurrentVersionAsync(CancellationToken cancellationToken)
    {
        var stored = await database.SyncCursors.GetAsync(UplinkSession.GalleryVersionCursor, cancellationToken).ConfigureAwait(false);
        return long.TryParse(stored, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }
}
