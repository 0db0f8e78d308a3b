using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Gallery;
using EdgeGate.Storage;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Recognition.Enrolment;

/// <summary>
/// Keeps a <see cref="FaceGallery"/> equal to the store: a full load, then the store's change feed
/// (enrolment, template changes, suspension, reinstatement, validity changes, deregistration).
/// Deregistered persons are removed with their templates. Whether a known person is searchable is
/// the eligibility rule it is given; for the gate it is <see cref="MatchEligible"/>: a person outside
/// their validity window never matches, so an expired resident's face is a stranger's. Validity ends
/// without any change in the store, so <see cref="RefreshEligibility"/> re-applies the rule at a
/// given time and <see cref="NextEligibilityChange"/> says when it must run next.
/// </summary>
/// <remarks>Not safe for concurrent use; one owner (the sync service, or the enrolment service) drives it.</remarks>
public sealed class GallerySynchroniser(
    EdgeGateDatabase database,
    FaceGallery gallery,
    string modelId,
    Func<Person, DateTimeOffset, bool> eligibility,
    AccessHistory? history = null)
{
    /// <summary>Batch size when reading the change feed.</summary>
    public const int ChangeBatch = 500;

    private readonly Dictionary<string, Person> persons = new(StringComparer.Ordinal);
    private long version = -1;

    /// <summary>
    /// The gate's rule: deregistered persons are gone; a person outside [ValidFrom, ValidUntil] never
    /// matches (issue: "expired persons never match"). Suspended persons stay searchable so the door
    /// says "suspended" (a deliberate act of the property office) rather than treating them as strangers;
    /// the policy denies them.
    /// </summary>
    public static bool MatchEligible(Person person, DateTimeOffset at) =>
        person.Status != PersonStatus.Deregistered && person.IsWithinValidity(at);

    /// <summary>Every person who is not deregistered (the enrolment duplicate check: a duplicate is a duplicate, expired or not).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0060:Remove unused parameter", Justification = "The signature of the synchroniser's filter, which other filters use the time of.")]
    public static bool AnyEnrolled(Person person, DateTimeOffset at) => person.Status != PersonStatus.Deregistered;

    public FaceGallery Gallery => gallery;

    public string ModelId => modelId;

    /// <summary>The store version the gallery reflects; -1 before <see cref="LoadAsync"/>.</summary>
    public long Version => version;

    public bool IsLoaded => version >= 0;

    /// <summary>Replaces the gallery's contents with the store's.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await database.Templates.LoadGalleryAsync(modelId, cancellationToken).ConfigureAwait(false);
        gallery.Clear();
        persons.Clear();
        var now = database.TimeProvider.GetUtcNow();
        foreach (var entry in snapshot.Entries)
        {
            Apply(entry, now);
        }
        version = snapshot.Version;
        // Changes committed while the snapshot was read are picked up here.
        await ApplyChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies every change after <see cref="Version"/>; returns how many persons changed.</summary>
    public async Task<int> ApplyChangesAsync(CancellationToken cancellationToken)
    {
        if (!IsLoaded)
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            return persons.Count;
        }
        var applied = 0;
        while (true)
        {
            var changes = await database.Persons.GetChangesSinceAsync(version, modelId, ChangeBatch, cancellationToken).ConfigureAwait(false);
            var now = database.TimeProvider.GetUtcNow();
            foreach (var entry in changes.Changes)
            {
                Apply(entry, now);
                applied++;
            }
            version = Math.Max(version, changes.LastVersion);
            if (!changes.More)
            {
                return applied;
            }
        }
    }

    /// <summary>Re-applies the eligibility rule at <paramref name="at"/> to every known person; returns how many flipped.</summary>
    public int RefreshEligibility(DateTimeOffset at)
    {
        var flipped = 0;
        foreach (var person in persons.Values)
        {
            var eligible = eligibility(person, at);
            if (gallery.IsPersonEligible(person.Id) != eligible)
            {
                gallery.SetPersonEligibility(person.Id, eligible);
                flipped++;
            }
        }
        return flipped;
    }

    /// <summary>The next instant after <paramref name="at"/> at which some person's validity begins or ends, or null.</summary>
    public DateTimeOffset? NextEligibilityChange(DateTimeOffset at)
    {
        DateTimeOffset? next = null;
        foreach (var person in persons.Values)
        {
            foreach (var bound in new[] { person.ValidFrom, person.ValidUntil?.AddTicks(1) })
            {
                if (bound is { } instant && instant > at && (next is null || instant < next))
                {
                    next = instant;
                }
            }
        }
        return next;
    }

    /// <summary>Adds templates just written by this process (the change feed brings them too; adding is idempotent).</summary>
    public void AddEnrolled(Person person, IEnumerable<FaceTemplate> templates)
    {
        foreach (var template in templates)
        {
            gallery.AddTemplate(template);
        }
        persons[person.Id] = person;
        gallery.SetPersonEligibility(person.Id, eligibility(person, database.TimeProvider.GetUtcNow()));
    }

    private void Apply(GalleryEntry entry, DateTimeOffset now)
    {
        var person = entry.Person;
        if (person.Status == PersonStatus.Deregistered)
        {
            gallery.RemovePerson(person.Id);
            persons.Remove(person.Id);
            history?.Forget(person.Id);
            return;
        }
        var current = entry.Templates.Select(template => template.Id).ToHashSet();
        foreach (var stale in gallery.GetTemplateIds(person.Id).Where(id => !current.Contains(id)).ToList())
        {
            gallery.RemoveTemplate(stale);
        }
        foreach (var template in entry.Templates)
        {
            gallery.AddTemplate(template);
        }
        persons[person.Id] = person;
        gallery.SetPersonEligibility(person.Id, eligibility(person, now));
    }
}
