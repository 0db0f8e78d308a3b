using System.Runtime.CompilerServices;
using EdgeGate.Configuration;
using EdgeGate.Api;
using EdgeGate.Access;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;

namespace EdgeGate.Gateway.Doctor;

/// <summary>
/// Disk space, data folder, credentials folder permissions, the secrets the service cannot create
/// itself, who owns the files the service must open, and the clock.
/// </summary>
public sealed class HostChecks(GatewayOptions gateway, TimeProvider timeProvider) : IDoctorCheck
{
    /// <summary>Below this the journal cannot hold a few days of offline events.</summary>
    public const long MinimumFreeBytes = 512L * 1024 * 1024;

    public async IAsyncEnumerable<DoctorFinding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield return CheckDataDirectory();
        if (OwnedUnlikeTheirFolder(gateway.DataDirectory, [GatewayDatabase.FileName, GatewayDatabase.FileName + "-wal", GatewayDatabase.FileName + "-shm"]) is { } database)
        {
            yield return database;
        }
        yield return CheckDiskSpace();
        yield return CheckCredentialsDirectory();
        foreach (var secret in CheckSecrets())
        {
            yield return secret;
        }
        yield return CheckClock();
    }

    private DoctorFinding CheckDataDirectory()
    {
        const string subject = "data folder";
        try
        {
            // A self-check leaves nothing behind: a missing folder is not created, its nearest
            // existing parent must let the gateway create it on first run.
            var existing = NearestExistingDirectory(gateway.DataDirectory);
            var probe = Path.Combine(existing, $".doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return existing == gateway.DataDirectory
                ? DoctorFinding.Ok(subject, $"{gateway.DataDirectory} is writable")
                : DoctorFinding.Warning(subject, $"{gateway.DataDirectory} does not exist yet; it is created in {existing} on first run");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return DoctorFinding.Failure(subject, $"cannot write to {gateway.DataDirectory}: {exception.Message}",
                "create it and give it to the edgegate user (deploy/install.sh does this)");
        }
    }

    /// <summary>The folder itself when it exists, else its closest existing parent.</summary>
    private static string NearestExistingDirectory(string path)
    {
        var existing = path;
        while (!Directory.Exists(existing))
        {
            existing = Path.GetDirectoryName(Path.GetFullPath(existing)) ?? "/";
        }
        return existing;
    }

    private DoctorFinding CheckDiskSpace()
    {
        const string subject = "disk space";
        try
        {
            var drive = new DriveInfo(NearestExistingDirectory(gateway.DataDirectory));
            var free = drive.AvailableFreeSpace;
            var text = $"{free / (1024 * 1024)} MiB free on {drive.Name}";
            return free >= MinimumFreeBytes
                ? DoctorFinding.Ok(subject, text)
                : DoctorFinding.Failure(subject, text + $", less than the {MinimumFreeBytes / (1024 * 1024)} MiB the journal needs",
                    "free space or move Gateway:DataDirectory to a larger disk");
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return DoctorFinding.Failure(subject, $"cannot read free space for {gateway.DataDirectory}: {exception.Message}");
        }
    }

    private DoctorFinding CheckCredentialsDirectory()
    {
        const string subject = "credentials folder";
        var directory = TemplateKeyStore.CredentialsDirectoryFromEnvironment() ?? gateway.CredentialsDirectory;
        if (!Directory.Exists(directory))
        {
            return DoctorFinding.Warning(subject, $"{directory} does not exist yet; it is created (0700) on first run");
        }
        var mode = File.GetUnixFileMode(directory);
        const UnixFileMode groupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        return (mode & groupOrOthers) == 0
            ? DoctorFinding.Ok(subject, $"{directory} is private (0700)")
            : DoctorFinding.Failure(subject, $"{directory} can be read by other users (mode {Convert.ToString((int)mode, 8)})",
                $"run: chmod 700 {directory}");
    }

    /// <summary>
    /// The template key and the API token: the service creates neither on its first start, because
    /// its unit keeps the credentials folder read-only; `edgegate provision` creates them. And every
    /// other secret there must belong to the folder's owner too.
    /// </summary>
    private IEnumerable<DoctorFinding> CheckSecrets()
    {
        var directory = TemplateKeyStore.CredentialsDirectoryFromEnvironment() ?? gateway.CredentialsDirectory;
        if (!Directory.Exists(directory))
        {
            yield break;
        }
        string[] created = [TemplateKeyStore.KeyFileName, ApiTokenStore.TokenFileName];
        foreach (var (subject, file) in new[] { ("template key", created[0]), ("API token", created[1]) })
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                yield return DoctorFinding.Warning(subject, $"{path} is missing; the service cannot create it (its systemd unit keeps {directory} read-only)",
                    "run edgegate provision as root: it creates the template key and the API token for the service user");
                continue;
            }
            yield return OwnedUnlikeTheirFolder(directory, [file]) ?? DoctorFinding.Ok(subject, $"{path} present");
        }
        if (OwnedUnlikeTheirFolder(directory, FileNames(directory).Except(created).ToList()) is { } foreign)
        {
            yield return foreign;
        }
    }

    /// <summary>The names of the files in <paramref name="directory"/>; none when this user may not list it.</summary>
    private static IEnumerable<string> FileNames(string directory)
    {
        try
        {
            return Directory.GetFiles(directory).Select(path => Path.GetFileName(path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// A failure when one of <paramref name="files"/> (those that exist) in <paramref name="directory"/>
    /// has another owner than the folder: left by a command run as root, the service cannot open it.
    /// </summary>
    private static DoctorFinding? OwnedUnlikeTheirFolder(string directory, IReadOnlyList<string> files)
    {
        if (!Directory.Exists(directory) || OperatingSystem.IsWindows())
        {
            return null;
        }
        try
        {
            var folderOwner = FileOwnership.OwnerOf(directory);
            foreach (var path in files.Select(file => Path.Combine(directory, file)).Where(File.Exists))
            {
                var owner = FileOwnership.OwnerOf(path);
                if (owner != folderOwner)
                {
                    return DoctorFinding.Failure(Path.GetFileName(path),
                        $"{path} belongs to user {owner.User} (group {owner.Group}), its folder to user {folderOwner.User}: the service, which runs as the folder's owner, cannot open it",
                        $"run: chown --reference={directory} {path}");
                }
            }
            return null;
        }
        catch (IOException exception)
        {
            return DoctorFinding.Warning(Path.GetFileName(directory), exception.Message, "run edgegate doctor as root");
        }
    }

    private DoctorFinding CheckClock()
    {
        const string subject = "clock";
        var now = timeProvider.GetUtcNow();
        // Card expiry and resident validity depend on the date: a box that booted without a
        // real-time clock battery often starts in 1970 or at its build date.
        return now.Year is >= 2025 and < 2100
            ? DoctorFinding.Ok(subject, $"system time is {now:yyyy-MM-dd HH:mm:ss} UTC")
            : DoctorFinding.Failure(subject, $"system time {now:yyyy-MM-dd HH:mm} UTC is not plausible",
                "enable time synchronisation (systemd-timesyncd or chrony) before the gate decides on validity dates");
    }
}
