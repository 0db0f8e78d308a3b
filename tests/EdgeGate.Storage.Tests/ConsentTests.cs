using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Tests;

/// <summary>No face data without recorded consent (a time and who recorded it); a withdrawal deletes it.</summary>
public sealed class ConsentTests
{
    [Fact]
    public async Task Face_data_for_a_person_without_recorded_consent_is_refused_and_nothing_is_written()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var withoutConsent = Samples.Person("p-1") with { ConsentAt = null, ConsentRecordedBy = null };
        var withoutRecorder = Samples.Person("p-2") with { ConsentRecordedBy = null };

        Assert.Equal(PersonWriteStatus.ConsentRequired, (await test.Db.Persons.EnrolAsync(withoutConsent, [Samples.Template("p-1", 1)])).Status);
        Assert.Equal(PersonWriteStatus.ConsentRequired, (await test.Db.Persons.EnrolAsync(withoutRecorder, [Samples.Template("p-2", 2)])).Status);
        Assert.Null(await test.Db.Persons.GetAsync("p-1"));
        Assert.Null(await test.Db.Persons.GetAsync("p-2"));

        // Added without consent: the person exists, their card works, no face data may be stored.
        Assert.True((await test.Db.Persons.AddAsync(withoutConsent)).Succeeded);
        Assert.Equal(TemplateWriteStatus.ConsentRequired, (await test.Db.Templates.AddAsync(Samples.Template("p-1", 3))).Status);
        Assert.Equal(TemplateWriteStatus.ConsentRequired, (await test.Db.Templates.AddPhotoAsync("p-1", new byte[] { 0xFF, 0xD8, 1 }, "image/jpeg")).Status);
        Assert.Empty(await test.Db.Templates.ListForPersonAsync("p-1"));
        Assert.Empty(await test.Db.Templates.ListPhotosAsync("p-1"));
        Assert.Equal(CardWriteStatus.Applied, (await test.Db.Cards.IssueAsync("card-1", "p-1", test.Time.GetUtcNow().AddYears(1))).Status);
    }

    [Fact]
    public async Task Recorded_consent_says_when_and_who_and_lets_face_data_in()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1") with { ConsentAt = null, ConsentRecordedBy = null });
        var at = test.Time.GetUtcNow().AddDays(-1);

        var recorded = await test.Db.Persons.RecordConsentAsync("p-1", at, "  Ana (office)  ");

        Assert.Equal(PersonWriteStatus.Applied, recorded.Status);
        var stored = (await test.Db.Persons.GetAsync("p-1"))!;
        Assert.Equal((at, "Ana (office)"), (stored.ConsentAt!.Value, stored.ConsentRecordedBy));
        Assert.True(stored.HasRecordedConsent);
        Assert.Equal(TemplateWriteStatus.Applied, (await test.Db.Templates.AddAsync(Samples.Template("p-1", 1))).Status);
        Assert.Equal(PersonWriteStatus.NotFound, (await test.Db.Persons.RecordConsentAsync("nobody", at, "Ana")).Status);
        await Assert.ThrowsAsync<ArgumentException>(() => test.Db.Persons.RecordConsentAsync("p-1", at, " "));
    }

    [Fact]
    public async Task Withdrawing_consent_deletes_the_face_data_from_every_file_and_keeps_the_cards()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1), Samples.Template("p-1", 2)]);
        await test.Db.Templates.AddPhotoAsync("p-1", new byte[] { 0xFF, 0xD8, 7, 7, 7 }, "image/jpeg");
        await test.Db.Persons.EnrolAsync(Samples.Person("p-2", "Omar Saleh"), [Samples.Template("p-2", 3)]);
        await test.Db.Cards.IssueAsync("card-1", "p-1", test.Time.GetUtcNow().AddYears(1));
        var before = (await test.Db.Persons.GetAsync("p-1"))!.Version;
        byte[] ciphertext;
        using (var connection = MigrationTests.RawConnection(test.DatabasePath))
        {
            ciphertext = (byte[])MigrationTests.Scalar(connection, "SELECT embedding_ciphertext FROM face_templates WHERE person_id = 'p-1' LIMIT 1")!;
        }
        SqliteConnection.ClearAllPools();

        var withdrawn = await test.Db.Persons.WithdrawConsentAsync("p-1");

        Assert.Equal((PersonWriteStatus.Applied, 2, 1), (withdrawn.Status, withdrawn.TemplatesDeleted, withdrawn.PhotosDeleted));
        var person = (await test.Db.Persons.GetAsync("p-1"))!;
        Assert.False(person.HasRecordedConsent);
        Assert.Null(person.ConsentRecordedBy);
        Assert.True(person.Version > before, "the gallery sees the change");
        Assert.Empty(await test.Db.Templates.ListForPersonAsync("p-1"));
        Assert.Empty(await test.Db.Templates.ListPhotosAsync("p-1"));
        Assert.Equal(-1, PersonStoreTests.FileBytes(test.DatabasePath).AsSpan().IndexOf(ciphertext.AsSpan(29, 64)));
        Assert.Equal(CardStatus.Active, (await test.Db.Cards.GetByUidAsync("card-1"))!.Status);
        Assert.Single(await test.Db.Templates.ListForPersonAsync("p-2"));
        Assert.Equal(PersonWriteStatus.Unchanged, (await test.Db.Persons.WithdrawConsentAsync("p-1")).Status);
        Assert.Equal(PersonWriteStatus.NotFound, (await test.Db.Persons.WithdrawConsentAsync("nobody")).Status);
    }

    [Fact]
    public async Task An_update_that_drops_the_consent_takes_the_face_data_with_it()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var enrolled = await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1)]);

        var updated = await test.Db.Persons.UpdateAsync(enrolled.Person! with { ConsentAt = null, ConsentRecordedBy = null });

        Assert.Equal(PersonWriteStatus.Applied, updated.Status);
        Assert.Empty(await test.Db.Templates.ListForPersonAsync("p-1"));
        Assert.False((await test.Db.Persons.GetAsync("p-1"))!.HasRecordedConsent);
    }

    [Fact]
    public async Task A_consent_recorded_before_recorders_were_kept_keeps_its_time_and_says_the_recorder_is_unknown()
    {
        await using var test = TestDatabase.Create();
        Directory.CreateDirectory(Path.GetDirectoryName(test.DatabasePath)!);
        using (var connection = MigrationTests.RawConnection(test.DatabasePath))
        {
            Migrations.MigrationRunner.Apply(connection, test.Time, 5);
            MigrationTests.Execute(connection,
                "INSERT INTO persons (id, display_name, category, status, consent_at, created_at, updated_at, version) VALUES " +
                "('with', 'Consented', 'resident', 'active', 1000, 1000, 1000, 1), ('without', 'Not asked', 'resident', 'active', NULL, 1000, 1000, 2); " +
                "UPDATE counters SET value = 2 WHERE name = 'person_version';");
        }
        SqliteConnection.ClearAllPools();

        var database = test.Open();

        var consented = (await database.Persons.GetAsync("with"))!;
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1000), consented.ConsentAt);
        Assert.StartsWith("unknown", consented.ConsentRecordedBy, StringComparison.Ordinal);
        Assert.True(consented.HasRecordedConsent);
        Assert.Null((await database.Persons.GetAsync("without"))!.ConsentRecordedBy);
    }
}
