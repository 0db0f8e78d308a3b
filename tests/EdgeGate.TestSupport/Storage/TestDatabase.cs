using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGate.TestSupport.Storage;

/// <summary>
/// A real SQLite database in its own temporary folder, with its own credentials directory, deleted on
/// disposal. Its clock is <see cref="Time"/> (a fake) unless the test opens it with another.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string folder)
    {
        Folder = folder;
        CredentialsDirectory = Path.Combine(folder, "credentials");
        DatabasePath = Path.Combine(folder, "data", "edgegate.db");
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    }

    public string Folder { get; }

    public string CredentialsDirectory { get; }

    public string DatabasePath { get; }

    public FakeTimeProvider Time { get; }

    public EdgeGateDatabase? Database { get; private set; }

    public TemplateKey? Key { get; private set; }

    public EdgeGateDatabase Db => Database ?? throw new InvalidOperationException("the database is closed");

    public static TestDatabase Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "edgegate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new TestDatabase(folder);
    }

    public static async Task<TestDatabase> OpenNewAsync(Func<StorageOptions, StorageOptions>? configure = null, TimeProvider? time = null)
    {
        var test = Create();
        test.Open(configure, time);
        await Task.CompletedTask;
        return test;
    }

    public StorageOptions Options(Func<StorageOptions, StorageOptions>? configure = null)
    {
        var options = new StorageOptions { DatabasePath = DatabasePath };
        return configure is null ? options : configure(options);
    }

    public EdgeGateDatabase Open(Func<StorageOptions, StorageOptions>? configure = null, TimeProvider? time = null)
    {
        Close();
        Key = TemplateKeyStore.LoadOrCreate(CredentialsDirectory);
        Database = EdgeGateDatabase.Open(Options(configure), Key, time ?? Time);
        return Database;
    }

    public void Close()
    {
        Database?.Dispose();
        Database = null;
        Key?.Dispose();
        Key = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned later.
        }
        return ValueTask.CompletedTask;
    }
}
