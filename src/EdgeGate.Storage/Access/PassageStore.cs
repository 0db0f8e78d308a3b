using EdgeGate.Core.Access;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Storage.Access;

/// <summary>
/// Anti-passback state on disk: each person's last granted passage per anti-passback group. It is
/// written in the transaction that journals the grant (a passage is recorded exactly when its
/// decision is) and read back at start into the in-memory <see cref="AccessHistory"/>.
/// </summary>
public sealed class PassageStore
{
    private readonly EdgeGateDatabase database;
    private readonly EventJournal journal;

    internal PassageStore(EdgeGateDatabase database, EventJournal journal)
    {
        this.database = database;
        this.journal = journal;
    }

    /// <summary>
    /// Journals a granted decision and records the passage it made, in one transaction; returns the
    /// decision's seq once both are durably committed. An older passage never replaces a newer one.
    /// </summary>
    public Task<long> AppendGrantAsync(JournalDraft decision, PersonPassage passage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(passage);
        EventJournal.CheckDraft(decision);
        return database.WriteAsync(context =>
        {
            var seq = journal.Append(context, [decision])[0];
            context.Command(
                "INSERT INTO passages (person_id, area, direction, door_id, passed_at) " +
                "VALUES ($person, $area, $direction, $door, $at) " +
                "ON CONFLICT (person_id, area) DO UPDATE SET direction = excluded.direction, " +
                "door_id = excluded.door_id, passed_at = excluded.passed_at WHERE excluded.passed_at >= passages.passed_at")
                .With("$person", passage.PersonId)
                .With("$area", passage.AntiPassbackGroup)
                .With("$direction", StoredNames.Of(passage.Passage.Direction))
                .With("$door", passage.Passage.DoorId)
                .With("$at", StoredTime.ToStored(passage.Passage.At))
                .Execute();
            return seq;
        }, cancellationToken);
    }

    /// <summary>Every recorded passage, oldest first.</summary>
    public Task<IReadOnlyList<PersonPassage>> ListAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection =>
        {
            using var command = connection.Command(
                "SELECT person_id, area, direction, door_id, passed_at FROM passages ORDER BY passed_at, person_id, area");
            using var reader = command.ExecuteReader();
            var passages = new List<PersonPassage>();
            while (reader.Read())
            {
                passages.Add(new PersonPassage(
                    reader.GetString(0),
                    reader.GetString(1),
                    new RecentPassage(StoredNames.PassageDirectionFrom(reader.GetString(2)), reader.GetString(3), StoredTime.FromStored(reader.GetInt64(4)))));
            }
            return (IReadOnlyList<PersonPassage>)passages;
        }, cancellationToken);
}
