using EdgeGate.Core.Access;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Journal;

namespace EdgeGate.Storage.Tests;

public sealed class PassageStoreTests
{
    private static JournalDraft Grant(DateTimeOffset at) =>
        new(JournalLane.Event, "access_decision", at, """{"reason":"GRANTED_CARD"}""");

    private static PersonPassage Passage(string person, string area, PassageDirection direction, string door, DateTimeOffset at) =>
        new(person, area, new RecentPassage(direction, door, at));

    [Fact]
    public async Task A_grant_and_its_passage_are_one_commit_that_survives_reopen_and_an_older_passage_never_wins()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var at = StoredTime.Truncate(test.Time.GetUtcNow());

        var first = await test.Db.Passages.AppendGrantAsync(Grant(at), Passage("p-1", "compound", PassageDirection.Entry, "gate-in", at));
        var second = await test.Db.Passages.AppendGrantAsync(Grant(at.AddSeconds(5)), Passage("p-2", "compound", PassageDirection.Exit, "gate-out", at.AddSeconds(5)));
        // A late decision (its time is before the one held) is journaled but does not move the passage back.
        var late = await test.Db.Passages.AppendGrantAsync(Grant(at.AddSeconds(-30)), Passage("p-1", "compound", PassageDirection.Exit, "gate-out", at.AddSeconds(-30)));
        await test.Db.Passages.AppendGrantAsync(Grant(at.AddSeconds(9)), Passage("p-1", "garage", PassageDirection.Exit, "garage-out", at.AddSeconds(9)));

        Assert.Equal([1L, 2, 3], [first, second, late]);
        Assert.Equal(4, (await test.Db.Journal.ReadFromAsync(0, 100)).Count);
        test.Close();
        test.Open();

        Assert.Equal(
            [
                Passage("p-1", "compound", PassageDirection.Entry, "gate-in", at),
                Passage("p-2", "compound", PassageDirection.Exit, "gate-out", at.AddSeconds(5)),
                Passage("p-1", "garage", PassageDirection.Exit, "garage-out", at.AddSeconds(9)),
            ],
            await test.Db.Passages.ListAsync());
    }

    [Fact]
    public async Task A_journal_draft_that_cannot_be_recorded_records_no_passage_and_deregistration_forgets_them()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var at = StoredTime.Truncate(test.Time.GetUtcNow());
        await Assert.ThrowsAsync<ArgumentException>(() => test.Db.Passages.AppendGrantAsync(
            new JournalDraft(JournalLane.Event, "access_decision", at, "{not json"), Passage("p-1", "compound", PassageDirection.Entry, "gate-in", at)));
        Assert.Empty(await test.Db.Passages.ListAsync());

        Assert.True((await test.Db.Persons.AddAsync(new Person { Id = "p-1", DisplayName = "Moving Out" })).Succeeded);
        Assert.True((await test.Db.Persons.AddAsync(new Person { Id = "p-2", DisplayName = "Staying" })).Succeeded);
        await test.Db.Passages.AppendGrantAsync(Grant(at), Passage("p-1", "compound", PassageDirection.Entry, "gate-in", at));
        await test.Db.Passages.AppendGrantAsync(Grant(at), Passage("p-2", "compound", PassageDirection.Entry, "gate-in", at));

        await test.Db.Persons.DeregisterAsync("p-1");

        Assert.Equal(["p-2"], (await test.Db.Passages.ListAsync()).Select(passage => passage.PersonId));
    }
}
