using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Migrations;

/// <summary>
/// Applies the embedded numbered migrations in order, each in its own transaction together with its
/// row in <c>schema_version</c>, so a crash leaves the schema at a whole version.
/// </summary>
internal static partial class MigrationRunner
{
    private static readonly Lazy<IReadOnlyList<Migration>> AllLazy = new(LoadEmbedded);

    public static IReadOnlyList<Migration> All => AllLazy.Value;

    public static int LatestVersion => All[^1].Version;

    /// <summary>The version recorded in the file, 0 for an empty database.</summary>
    public static int CurrentVersion(SqliteConnection connection)
    {
        EnsureVersionTable(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Brings the database up to <paramref name="targetVersion"/> (default: the latest).</summary>
    /// <returns>The versions applied now.</returns>
    public static IReadOnlyList<int> Apply(SqliteConnection connection, TimeProvider timeProvider, int? targetVersion = null)
    {
        var target = targetVersion ?? LatestVersion;
        var current = CurrentVersion(connection);
        if (current > LatestVersion)
        {
            throw new SchemaVersionException(
                $"the database {connection.DataSource} has schema version {current}, newer than this EdgeGate " +
                $"build knows ({LatestVersion}); it was written by a newer release. Install that release " +
                "(or newer) instead of downgrading; the file was not changed.");
        }
        var applied = new List<int>();
        foreach (var migration in All)
        {
            if (migration.Version <= current || migration.Version > target)
            {
                continue;
            }
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = migration.Sql;
                command.ExecuteNonQuery();
            }
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText =
                    "INSERT INTO schema_version (version, name, applied_at) VALUES ($version, $name, $appliedAt)";
                command.Parameters.AddWithValue("$version", migration.Version);
                command.Parameters.AddWithValue("$name", migration.Name);
                command.Parameters.AddWithValue("$appliedAt", StoredTime.ToStored(timeProvider.GetUtcNow()));
                command.ExecuteNonQuery();
            }
            transaction.Commit();
            applied.Add(migration.Version);
        }
        return applied;
    }

    private static void EnsureVersionTable(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            "CREATE TABLE IF NOT EXISTS schema_version (" +
            "version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT";
        command.ExecuteNonQuery();
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var migrations = new List<Migration>();
        foreach (var resourceName in assembly.GetManifestResourceNames())
        {
            var match = ResourceNamePattern().Match(resourceName);
            if (!match.Success)
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resourceName)
                ?? throw new InvalidOperationException($"embedded migration {resourceName} cannot be read");
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }
        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        for (var index = 0; index < migrations.Count; index++)
        {
            if (migrations[index].Version != index + 1)
            {
                throw new InvalidOperationException(
                    $"embedded migrations must be numbered 1..N without gaps or duplicates; found " +
                    string.Join(", ", migrations.Select(migration => migration.Version)));
            }
        }
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"no embedded migrations found in {assembly.GetName().Name}");
        }
        return migrations;
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceNamePattern();
}
