using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Tests;

public sealed class PersonStoreTests
{
    [Fact]
    public async Task Add_get_and_update_bump_the_version_and_keep_every_field()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var original = Samples.Person("p-1") with { WatchListed = true, WatchListNote = "seen tailgating", Category = PersonCategory.Staff };
        var added = await test.Db.Persons.AddAsync(original);
        Assert.Equal(PersonWriteStatus.Applied, added.Status);
        Assert.Equal(1, added.Person!.Version);
        Assert.Equal(test.Time.GetUtcNow(), added.Person.CreatedAt);
        Assert.Equal(added.Person, await test.Db.Persons.GetAsync("p-1"));

        Assert.Equal(PersonWriteStatus.AlreadyExists, (await test.Db.Persons.AddAsync(original)).Status);

        test.Time.Advance(TimeSpan.FromMinutes(5));
        var updated = await test.Db.Persons.UpdateAsync(added.Person with { Unit = "C-310", WatchListed = false, WatchListNote = null }, expectedVersion: 1);
        Assert.Equal(PersonWriteStatus.Applied, updated.Status);
        Assert.Equal(2, updated.Person!.Version);
        Assert.Equal(added.Person.CreatedAt, updated.Person.CreatedAt);
        Assert.Equal(test.Time.GetUtcNow(), updated.Person.UpdatedAt);
        Assert.Equal(updated.Person, await test.Db.Persons.GetAsync("p-1"));

        var stale = await test.Db.Persons.UpdateAsync(added.Person with { Unit = "lost update" }, expectedVersion: 1);
        Assert.Equal(PersonWriteStatus.VersionConflict, stale.Status);
        Assert.Equal("C-310", stale.Person!.Unit);
        Assert.Equal(PersonWriteStatus.NotFound, (await test.Db.Persons.UpdateAsync(Samples.Person("ghost"))).Status);
        Assert.Null(await test.Db.Persons.GetAsync("ghost"));
    }

    [Fact]
    public async Task List_filters_by_status_and_search_text()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1", "Amina Haddad", "B-204"));
        await test.Db.Persons.AddAsync(Samples.Person("p-2", "Omar Saleh", "B-210"));
        await test.Db.Persons.AddAsync(Samples.Person("p-3", "Lina 100% Real_Name", "C-1"));
        await test.Db.Persons.SuspendAsync("p-2");

        Assert.Equal(["p-1", "p-3", "p-2"], (await test.Db.Persons.ListAsync()).Select(person => person.Id));
        Assert.Equal(["p-2"], (await test.Db.Persons.ListAsync(new PersonQuery { Status = PersonStatus.Suspended })).Select(person => person.Id));
        Assert.Equal(["p-1", "p-2"], (await test.Db.Persons.ListAsync(new PersonQuery { SearchText = "b-2" })).Select(person => person.Id));
        Assert.Equal(["p-2"], (await test.Db.Persons.ListAsync(new PersonQuery { SearchText = "saleh" })).Select(person => person.Id));
        Assert.Equal(["p-3"], (await test.Db.Persons.ListAsync(new PersonQuery { SearchText = "100%" })).Select(person => person.Id));
        Assert.Empty(await test.Db.Persons.ListAsync(new PersonQuery { SearchText = "i_a" }));
        Assert.Equal(["p-3"], (await test.Db.Persons.ListAsync(new PersonQuery { SearchText = "_name" })).Select(person => person.Id));
        Assert.Equal(["p-3"], (await test.Db.Persons.ListAsync(new PersonQuery { Limit = 1, Offset = 1 })).Select(person => person.Id));
    }

    [Fact]
    public async Task Enrolment_adds_or_updates_the_person_and_skips_photos_already_enrolled()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var open = Samples.Person("p-1") with { ValidFrom = null, ValidUntil = null, Unit = null };
        var first = await test.Db.Persons.EnrolAsync(open, [Samples.Template("p-1", 1, "photo-a")]);
        Assert.Equal(PersonWriteStatus.Applied, first.Status);
        Assert.Equal(open with { CreatedAt = first.Person!.CreatedAt, UpdatedAt = first.Person.UpdatedAt, Version = 1 }, await test.Db.Persons.GetAsync("p-1"));

        test.Time.Advance(TimeSpan.FromHours(1));
        var second = await test.Db.Persons.EnrolAsync(open with { Unit = "D-7" }, [Samples.Template("p-1", 2, "photo-a"), Samples.Template("p-1", 3, "photo-b")]);
        Assert.Equal(1, second.DuplicatesSkipped);
        Assert.Single(second.TemplateIds);
        Assert.Equal(first.Person.CreatedAt, second.Person!.CreatedAt);
        Assert.Equal("D-7", (await test.Db.Persons.GetAsync("p-1"))!.Unit);
        Assert.Equal([Samples.Embedding(1), Samples.Embedding(3)], (await test.Db.Templates.ListForPersonAsync("p-1")).Select(template => template.Embedding));
        Assert.Throws<ArgumentException>(() => { _ = test.Db.Persons.EnrolAsync(open, [Samples.Template("p-2", 4)]); });
    }

    [Fact]
    public async Task Suspend_and_reinstate_change_status_once()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        var suspended = await test.Db.Persons.SuspendAsync("p-1");
        Assert.Equal(PersonWriteStatus.Applied, suspended.Status);
        Assert.Equal(PersonStatus.Suspended, suspended.Person!.Status);
        var again = await test.Db.Persons.SuspendAsync("p-1");
        Assert.Equal(PersonWriteStatus.Unchanged, again.Status);
        Assert.Equal(suspended.Person.Version, again.Person!.Version);
        var reinstated = await test.Db.Persons.ReinstateAsync("p-1");
        Assert.Equal(PersonStatus.Active, reinstated.Person!.Status);
        Assert.True(reinstated.Person.Version > suspended.Person.Version);
        Assert.Equal(PersonWriteStatus.NotFound, (await test.Db.Persons.SuspendAsync("ghost")).Status);
    }

    [Fact]
    public async Task Deregistration_deletes_templates_and_photos_and_revokes_cards()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var enrolment = await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1, "aa"), Samples.Template("p-1", 2, "bb")]);
        Assert.Equal(2, enrolment.TemplateIds.Count);
        await test.Db.Templates.AddPhotoAsync("p-1", new byte[] { 1, 2, 3 }, "image/jpeg");
        await test.Db.Cards.IssueAsync("card-1", "p-1", test.Time.GetUtcNow().AddYears(1));
        await test.Db.Cards.IssueAsync("card-2", "p-1", test.Time.GetUtcNow().AddYears(1));
        await test.Db.Persons.EnrolAsync(Samples.Person("p-2", "Omar Saleh"), [Samples.Template("p-2", 3)]);

        var result = await test.Db.Persons.DeregisterAsync("p-1");
        Assert.Equal(PersonWriteStatus.Applied, result.Status);
        Assert.Equal((2, 1, 2), (result.TemplatesDeleted, result.PhotosDeleted, result.CardsRevoked));
        Assert.Equal(PersonStatus.Deregistered, (await test.Db.Persons.GetAsync("p-1"))!.Status);
        Assert.Empty(await test.Db.Templates.ListForPersonAsync("p-1"));
        Assert.Empty(await test.Db.Templates.ListPhotosAsync("p-1"));
        Assert.All(await test.Db.Cards.ListAsync("p-1"), card => Assert.Equal(CardStatus.Revoked, card.Status));
        Assert.Single(await test.Db.Templates.ListForPersonAsync("p-2"));

        // a deregistered person is final: no new templates, cards or updates
        Assert.Equal(TemplateWriteStatus.PersonDeregistered, (await test.Db.Templates.AddAsync(Samples.Template("p-1", 9))).Status);
        Assert.Equal(CardWriteStatus.PersonNotActive, (await test.Db.Cards.IssueAsync("card-3", "p-1", test.Time.GetUtcNow().AddYears(1))).Status);
        Assert.Equal(PersonWriteStatus.Deregistered, (await test.Db.Persons.UpdateAsync(Samples.Person("p-1"))).Status);
        Assert.Equal(PersonWriteStatus.Deregistered, (await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [])).Status);
        Assert.Equal(PersonWriteStatus.Unchanged, (await test.Db.Persons.DeregisterAsync("p-1")).Status);
        Assert.Equal(PersonWriteStatus.NotFound, (await test.Db.Persons.DeregisterAsync("ghost")).Status);
    }

    [Fact]
    public async Task Deregistration_is_one_transaction_a_failure_keeps_everything()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1)]);
        await test.Db.Cards.IssueAsync("card-1", "p-1", test.Time.GetUtcNow().AddYears(1));
        // Make the final status update fail, after the template delete and card revoke already ran.
        using (var connection = MigrationTests.RawConnection(test.DatabasePath))
        {
            MigrationTests.Execute(connection,
                "CREATE TRIGGER fail_deregistration BEFORE UPDATE OF status ON persons WHEN NEW.status = 'deregistered' " +
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        }
        SqliteConnection.ClearAllPools();

        var error = await Assert.ThrowsAsync<SqliteException>(() => test.Db.Persons.DeregisterAsync("p-1"));
        Assert.Contains("injected failure", error.Message, StringComparison.Ordinal);
        Assert.Equal(PersonStatus.Active, (await test.Db.Persons.GetAsync("p-1"))!.Status);
        Assert.Single(await test.Db.Templates.ListForPersonAsync("p-1"));
        Assert.Equal(CardStatus.Active, (await test.Db.Cards.GetByUidAsync("card-1"))!.Status);

        using (var connection = MigrationTests.RawConnection(test.DatabasePath))
        {
            MigrationTests.Execute(connection, "DROP TRIGGER fail_deregistration");
        }
        SqliteConnection.ClearAllPools();
        Assert.Equal(PersonWriteStatus.Applied, (await test.Db.Persons.DeregisterAsync("p-1")).Status);
    }

    [Fact]
    public async Task Templates_round_trip_and_a_photo_is_enrolled_once_per_model()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        var first = await test.Db.Templates.AddAsync(Samples.Template("p-1", 1, "photo-a"));
        Assert.Equal(TemplateWriteStatus.Applied, first.Status);
        var duplicate = await test.Db.Templates.AddAsync(Samples.Template("p-1", 2, "photo-a"));
        Assert.Equal(TemplateWriteStatus.DuplicatePhoto, duplicate.Status);
        Assert.Equal(first.Id, duplicate.Id);
        Assert.Equal(TemplateWriteStatus.Applied, (await test.Db.Templates.AddAsync(Samples.Template("p-1", 3, "photo-a", model: "other@2"))).Status);
        Assert.Equal(TemplateWriteStatus.PersonNotFound, (await test.Db.Templates.AddAsync(Samples.Template("ghost", 4))).Status);

        var stored = Assert.Single(await test.Db.Templates.ListByModelAsync(Samples.Model));
        Assert.Equal(Samples.Embedding(1), stored.Embedding);
        Assert.Equal(0.87f, stored.Quality);
        Assert.Equal("photo-a", stored.SourcePhotoSha256);
        Assert.Equal(test.Time.GetUtcNow(), stored.EnrolledAt);
        Assert.Equal(2, (await test.Db.Templates.ListForPersonAsync("p-1")).Count);
        Assert.Single(await test.Db.Templates.ListForPersonAsync("p-1", "other@2"));

        Assert.True(await test.Db.Templates.DeleteAsync(first.Id));
        Assert.False(await test.Db.Templates.DeleteAsync(first.Id));
        Assert.Empty(await test.Db.Templates.ListByModelAsync(Samples.Model));
    }

    [Fact]
    public async Task The_gallery_follows_enrol_suspend_and_deregister_through_the_change_feed()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1)]);
        await test.Db.Persons.EnrolAsync(Samples.Person("p-2", "Omar Saleh"), [Samples.Template("p-2", 2), Samples.Template("p-2", 3, model: "other@2")]);
        await test.Db.Persons.AddAsync(Samples.Person("p-3", "No Face Yet"));

        var snapshot = await test.Db.Templates.LoadGalleryAsync(Samples.Model);
        Assert.Equal(["p-1", "p-2"], snapshot.Entries.Select(entry => entry.Person.Id));
        Assert.All(snapshot.Entries, entry => Assert.Single(entry.Templates));
        Assert.Equal(Samples.Embedding(2), snapshot.Entries[1].Templates[0].Embedding);
        Assert.Equal(await test.Db.Persons.GetLatestVersionAsync(), snapshot.Version);

        var nothing = await test.Db.Persons.GetChangesSinceAsync(snapshot.Version, Samples.Model);
        Assert.Empty(nothing.Changes);
        Assert.Equal(snapshot.Version, nothing.LastVersion);

        await test.Db.Templates.AddAsync(Samples.Template("p-3", 4));
        await test.Db.Persons.SuspendAsync("p-1");
        await test.Db.Persons.DeregisterAsync("p-2");

        var changes = await test.Db.Persons.GetChangesSinceAsync(snapshot.Version, Samples.Model);
        Assert.Equal(["p-3", "p-1", "p-2"], changes.Changes.Select(change => change.Person.Id));
        Assert.Equal(Samples.Embedding(4), Assert.Single(changes.Changes[0].Templates).Embedding);
        Assert.Equal(PersonStatus.Suspended, changes.Changes[1].Person.Status);
        Assert.Single(changes.Changes[1].Templates);
        Assert.Equal(PersonStatus.Deregistered, changes.Changes[2].Person.Status);
        Assert.Empty(changes.Changes[2].Templates);
        Assert.False(changes.More);
        Assert.Equal(await test.Db.Persons.GetLatestVersionAsync(), changes.LastVersion);

        var paged = await test.Db.Persons.GetChangesSinceAsync(snapshot.Version, Samples.Model, maximum: 2);
        Assert.True(paged.More);
        Assert.Equal(["p-3", "p-1"], paged.Changes.Select(change => change.Person.Id));
        var rest = await test.Db.Persons.GetChangesSinceAsync(paged.LastVersion, Samples.Model, maximum: 2);
        Assert.Equal(["p-2"], rest.Changes.Select(change => change.Person.Id));

        var rebuilt = await test.Db.Templates.LoadGalleryAsync(Samples.Model);
        Assert.Equal(["p-1", "p-3"], rebuilt.Entries.Select(entry => entry.Person.Id));
    }

    [Fact]
    public async Task Commits_by_another_connection_on_the_file_are_picked_up_and_wake_the_change_feed()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        var version = await test.Db.Persons.GetLatestVersionAsync();
        // Its own writes are not another writer's.
        Assert.False(await test.Db.CatchUpWithOtherWritersAsync());

        // A second database object on the same file: what the command line opens while the gateway runs.
        await using (var other = EdgeGateDatabase.Open(test.Options(), test.Key!, test.Time))
        {
            var waiting = test.Db.Persons.WaitForChangeAsync(version);
            await other.Persons.EnrolAsync(Samples.Person("p-2"), [Samples.Template("p-2", 2)]);
            await other.Journal.AppendAsync(new Journal.JournalDraft(Journal.JournalLane.Event, "test", test.Time.GetUtcNow(), "{}"));
            await Quiet.ForAsync(TimeSpan.FromMilliseconds(50), "no change seen before catching up", () => waiting.IsCompleted);
            Assert.False(waiting.IsCompleted);

            Assert.True(await test.Db.CatchUpWithOtherWritersAsync());
            await waiting.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("p-2", Assert.Single((await test.Db.Persons.GetChangesSinceAsync(version)).Changes).Person.Id);
            Assert.Equal(1, (await test.Db.Journal.GetStatusAsync()).Rows);
            Assert.False(await test.Db.CatchUpWithOtherWritersAsync());

            await other.Persons.DeregisterAsync("p-2");
        }
        Assert.True(await test.Db.CatchUpWithOtherWritersAsync());
        var deregistered = Assert.Single((await test.Db.Persons.GetChangesSinceAsync(version + 1)).Changes);
        Assert.Equal((Core.Persons.PersonStatus.Deregistered, 0), (deregistered.Person.Status, deregistered.Templates.Count));
    }

    [Fact]
    public async Task WaitForChange_completes_when_a_newer_version_is_committed()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        var version = await test.Db.Persons.GetLatestVersionAsync();
        await test.Db.Persons.WaitForChangeAsync(version - 1).WaitAsync(TimeSpan.FromSeconds(5));

        var waiting = test.Db.Persons.WaitForChangeAsync(version);
        await Quiet.ForAsync(TimeSpan.FromMilliseconds(50), "no change without a commit", () => waiting.IsCompleted);
        Assert.False(waiting.IsCompleted);
        await test.Db.Cards.IssueAsync("C1", "p-1", test.Time.GetUtcNow().AddDays(1)); // cards do not touch the gallery
        await Quiet.ForAsync(TimeSpan.FromMilliseconds(50), "no gallery change from a card", () => waiting.IsCompleted);
        Assert.False(waiting.IsCompleted);
        await test.Db.Templates.AddAsync(Samples.Template("p-1", 1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        var changes = await test.Db.Persons.GetChangesSinceAsync(version);
        Assert.Equal("p-1", Assert.Single(changes.Changes).Person.Id);

        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Db.Persons.WaitForChangeAsync(changes.LastVersion, cancelled.Token));

        // after reopening, the committed version is known again
        test.Close();
        test.Open();
        await test.Db.Persons.WaitForChangeAsync(changes.LastVersion - 1).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task After_deregistration_no_file_holds_the_template_ciphertext()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1)]);
        await test.Db.Persons.EnrolAsync(Samples.Person("p-2", "Omar Saleh"), [Samples.Template("p-2", 2)]);
        byte[] ciphertext;
        using (var connection = MigrationTests.RawConnection(test.DatabasePath))
        {
            ciphertext = (byte[])MigrationTests.Scalar(connection, "SELECT embedding_ciphertext FROM face_templates WHERE person_id = 'p-1'")!;
        }
        SqliteConnection.ClearAllPools();
        Assert.NotEqual(-1, FileBytes(test.DatabasePath).AsSpan().IndexOf(ciphertext.AsSpan(29, 64)));

        await test.Db.Persons.DeregisterAsync("p-1");
        // secure_delete zeroes the freed cells; the checkpoint after deregistration empties the WAL
        Assert.Equal(-1, FileBytes(test.DatabasePath).AsSpan().IndexOf(ciphertext.AsSpan(29, 64)));
        Assert.Single(await test.Db.Templates.ListByModelAsync(Samples.Model));
    }

    internal static byte[] FileBytes(string databasePath) =>
        new[] { databasePath, databasePath + "-wal" }
            .Where(File.Exists)
            .SelectMany(path =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                return memory.ToArray();
            })
            .ToArray();

    [Fact]
    public async Task Concurrent_writers_are_serialised_and_readers_see_committed_state()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var writes = Enumerable.Range(0, 40).Select(index => Task.Run(() =>
            test.Db.Persons.EnrolAsync(Samples.Person($"p-{index:D2}"), [Samples.Template($"p-{index:D2}", index)])));
        var results = await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, result => Assert.Equal(PersonWriteStatus.Applied, result.Status));
        Assert.Equal(Enumerable.Range(1, 40).Select(version => (long)version), results.Select(result => result.Person!.Version).Order());
        Assert.Equal(40, (await test.Db.Persons.ListAsync(new PersonQuery { Limit = 1000 })).Count);
        Assert.Equal(40, (await test.Db.Templates.LoadGalleryAsync(Samples.Model)).Entries.Count);
    }
}
