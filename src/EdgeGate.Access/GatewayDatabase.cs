using EdgeGate.Configuration;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeGate.Access;

/// <summary>
/// Where the gateway keeps its database and template key, from the configuration: the database is
/// <c>edgegate.db</c> in <see cref="GatewayOptions.DataDirectory"/>; the template key is in systemd's
/// <c>$CREDENTIALS_DIRECTORY</c> when set, else in <see cref="GatewayOptions.CredentialsDirectory"/>.
/// The worker and the CLI commands open it the same way. Run as root (a CLI command with sudo), the
/// files it creates are handed to the owner of their folder, the service user (<see cref="FileOwnership"/>).
/// </summary>
public static class GatewayDatabase
{
    public const string FileName = "edgegate.db";

    public static string DatabasePath(EdgeGateSettings settings) =>
        Path.Combine(settings.Gateway.DataDirectory, FileName);

    public static string CredentialsDirectory(EdgeGateSettings settings) =>
        TemplateKeyStore.CredentialsDirectoryFromEnvironment() ?? settings.Gateway.CredentialsDirectory;

    /// <summary>Opens (creating on first run) the database and the template key.</summary>
    /// <exception cref="StorageException">The key or the database cannot be used; the message says why.</exception>
    /// <exception cref="IOException">Run as root, the database files could not be handed to the service user.</exception>
    public static EdgeGateDatabase Open(EdgeGateSettings settings, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // The database keeps its own cipher; the key material is wiped once it is opened.
        using var key = TemplateKeyStore.LoadOrCreate(CredentialsDirectory(settings));
        var options = new StorageOptions
        {
            DatabasePath = DatabasePath(settings),
            JournalMaximumRows = settings.Uplink.JournalCapacity,
        };
        var database = EdgeGateDatabase.Open(options, key, timeProvider);
        try
        {
            // Open in WAL mode, the -wal and -shm files exist now too.
            FileOwnership.HandToFolderOwner(options.DatabasePath, options.DatabasePath + "-wal", options.DatabasePath + "-shm");
        }
        catch
        {
            database.Dispose();
            throw;
        }
        return database;
    }

    /// <summary>
    /// Registers the database as a singleton, opened on first use, the <see cref="DatabaseChangeWatcher"/>
    /// that brings in changes the command line writes to it, and the <see cref="HistoryPruningService"/>.
    /// </summary>
    public static IServiceCollection AddGatewayDatabase(this IServiceCollection services, EdgeGateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => Open(settings, provider.GetRequiredService<TimeProvider>()));
        services.AddHostedService<DatabaseChangeWatcher>();
        services.AddHostedService(provider => new HistoryPruningService(
            provider.GetRequiredService<EdgeGateDatabase>(), settings.Journal, provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<HistoryPruningService>>()));
        return services;
    }
}
