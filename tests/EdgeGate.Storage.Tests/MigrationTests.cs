using EdgeGate.Core.Persons;
using EdgeGate.Storage.Journal;
using EdgeGate.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Tests;

public sealed class MigrationTests
{
    public static TheoryData<int> OlderVersions()
    {
        var data = new TheoryData<int>();
        for (var version = 0; version < MigrationRunner.LatestVersion; version++)
        {
            data.Add(version);
        }
        return data;
    }

    [Fact]
    public void Embedded_migrations_are_numbered_without_gaps()
    {
        Assert.True(MigrationRunner.LatestVersion >= 4);
        Assert.Equal(Enumerable.Range(1, MigrationRunner.LatestVersion), MigrationRunner.All.Select(migration => migration.Version));
    }

    [Fact]
    public async Task An_empty_file_is_migrated_to_the_latest_version_with_wal_and_foreign_keys()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        Assert.Equal(EdgeGateDatabase.LatestSchemaVersion, await test.Db.GetSchemaVersionAsync());
        Assert.Empty(await test.Db.CheckIntegrityAsync());

        using var connection = RawConnection(test.DatabasePath);
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        foreach (var table in new[] { "persons", "face_templates", "face_photos", "cards", "journal", "journal_ack", "command_log", "sync_cursors", "settings", "schema_version" })
        {
            Assert.Equal(1L, Scalar(connection, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }
        // foreign keys are enforced on the writer: a template for an unknown person is refused.
        var outcome = await test.Db.Templates.AddAsync(Samples.Template("nobody", 1));
        Assert.Equal(EdgeGate.Storage.Persons.TemplateWriteStatus.PersonNotFound, outcome.Status);
    }

    [Fact]
    public async Task The_writer_runs_with_full_sync_foreign_keys_and_secure_delete()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var pragmas = await test.Db.WriteAsync(
            context => new[] { "synchronous", "foreign_keys", "secure_delete", "journal_mode" }
                .Select(name => Convert.ToString(context.Command($"PRAGMA {name}").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "")
                .ToArray(),
            CancellationToken.None);
        Assert.Equal(["2", "1", "1", "wal"], pragmas); // synchronous 2 = FULL
    }

    [Theory]
    [MemberData(nameof(OlderVersions))]
    public async Task A_database_at_an_older_version_is_migrated_and_keeps_its_data(int olderVersion)
    {
        await using var test = TestDatabase.Create();
        Directory.CreateDirectory(Path.GetDirectoryName(test.DatabasePath)!);
        using (var connection = RawConnection(test.DatabasePath))
        {
            var applied = MigrationRunner.Apply(connection, test.Time, olderVersion);
            Assert.Equal(Enumerable.Range(1, olderVersion), applied);
            Assert.Equal(olderVersion, MigrationRunner.CurrentVersion(connection));
            if (olderVersion >= 1)
            {
                Execute(connection,
                    "INSERT INTO persons (id, display_name, unit, category, status, created_at, updated_at, version) " +
                    "VALUES ('old-1', 'Older Resident', 'A-1', 'resident', 'active', 1000, 1000, 1); " +
                    "UPDATE counters SET value = 1 WHERE name = 'person_version'; " +
                    "INSERT INTO cards (uid, person_id, issued_at, valid_until, status, updated_at) " +
                    "VALUES ('00A1B2', 'old-1', 1000, 9999999999999, 'active', 1000);");
            }
            if (olderVersion >= 2)
            {
                Execute(connection,
                    "INSERT INTO journal (lane, type, occurred_at, recorded_at, payload) VALUES ('event', 'door_opened', 5, 5, '{\"door\":1}')");
            }
        }
        SqliteConnection.ClearAllPools();

        var database = test.Open();
        Assert.Equal(EdgeGateDatabase.LatestSchemaVersion, await database.GetSchemaVersionAsync());
        Assert.Empty(await database.CheckIntegrityAsync());
        if (olderVersion >= 1)
        {
            var person = await database.Persons.GetAsync("old-1");
            Assert.NotNull(person);
            Assert.Equal("Older Resident", person.DisplayName);
            Assert.Equal(CardStatus.Active, (await database.Cards.GetByUidAsync("00a1b2"))!.Status);
            // the version counter continues after the migrated data
            var added = await database.Persons.AddAsync(Samples.Person("new-1"));
            Assert.Equal(2, added.Person!.Version);
        }
        var seq = await database.Journal.AppendAsync(new JournalDraft(JournalLane.Event, "door_opened", test.Time.GetUtcNow(), "{}"));
        Assert.Equal(olderVersion >= 2 ? 2 : 1, seq);
    }

    [Fact]
    public async Task Reopening_applies_nothing_and_keeps_everything()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        test.Close();
        for (var round = 0; round < 3; round++)
        {
            test.Open();
            Assert.Equal(EdgeGateDatabase.LatestSchemaVersion, await test.Db.GetSchemaVersionAsync());
            test.Close();
        }
        using (var connection = RawConnection(test.DatabasePath))
        {
            Assert.Equal((long)EdgeGateDatabase.LatestSchemaVersion, Scalar(connection, "SELECT COUNT(*) FROM schema_version"));
            Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM persons"));
        }
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_database_from_a_newer_release_is_refused_and_left_unchanged()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        test.Close();
        using (var connection = RawConnection(test.DatabasePath))
        {
            Execute(connection, "INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 0)");
        }
        SqliteConnection.ClearAllPools();

        var error = Assert.Throws<SchemaVersionException>(() => test.Open());
        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
        using (var connection = RawConnection(test.DatabasePath))
        {
            Assert.Equal(999L, Scalar(connection, "SELECT MAX(version) FROM schema_version"));
        }
        SqliteConnection.ClearAllPools();
    }

    internal static SqliteConnection RawConnection(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    internal static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
