using System.Security.Cryptography;

namespace EdgeGate.Storage.Privacy;

/// <summary>
/// A small secret in the credentials directory (systemd's <c>$CREDENTIALS_DIRECTORY</c> convention):
/// written atomically as 0600 inside a 0700 directory, refused when group or others may read it. The
/// one place for the template key, the API token and broker passwords. A secret written by root (the
/// installer, a command run with sudo) is given to the owner of the folder, the service user
/// (<see cref="FileOwnership"/>). A secret that cannot be created or read is a
/// <see cref="CredentialFileException"/> saying what to do, never a raw I/O error.
/// </summary>
public static class CredentialFile
{
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Reads the secret, creating a random one of <paramref name="length"/> bytes if absent.</summary>
    public static byte[] ReadOrCreate(string directory, string fileName, int length, bool create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            if (!create)
            {
                throw new CredentialFileException($"the credential file {path} does not exist");
            }
            CreateDirectory(directory);
            Write(path, length);
        }
        return Read(path, length);
    }

    /// <summary>The secret as text (trailing line break removed), or null when the file does not exist.</summary>
    /// <exception cref="CredentialFileException">Group or others may read or write the file.</exception>
    public static string? ReadTextOrNull(string directory, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            return null;
        }
        CheckPrivate(path);
        return System.Text.Encoding.UTF8.GetString(ReadAll(path)).TrimEnd('\r', '\n');
    }

    /// <summary>
    /// Writes <paramref name="text"/> as the secret (0600, atomically). Without <paramref name="overwrite"/>
    /// an existing file is kept and false returned (another process wrote it first).
    /// </summary>
    /// <exception cref="CredentialFileException">The directory or file cannot be written.</exception>
    public static bool WriteText(string directory, string fileName, string text, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(text);
        CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        if (!overwrite && File.Exists(path))
        {
            return false;
        }
        var content = System.Text.Encoding.UTF8.GetBytes(text + "\n");
        try
        {
            return WriteAtomically(path, content, overwrite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    private static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
                return;
            }
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CredentialFileException($"cannot create the credentials directory {directory}: {exception.Message}");
        }
    }

    private static void Write(string path, int length)
    {
        var secret = RandomNumberGenerator.GetBytes(length);
        var text = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(secret) + "\n");
        try
        {
            WriteAtomically(path, text, overwrite: false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(text);
        }
    }

    private static bool WriteAtomically(string path, byte[] content, bool overwrite)
    {
        var temporaryPath = path + ".new";
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temporaryPath, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            // Root's secret belongs to the service user from the moment it has its name.
            FileOwnership.HandToFolderOwner(temporaryPath);
            // Rename so that a crash never leaves a half-written secret behind.
            File.Move(temporaryPath, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            // Another process created it first: use theirs.
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The systemd unit makes /etc read-only for the service: its secrets are created beforehand.
            throw new CredentialFileException(
                $"cannot write the credential file {path}: {exception.Message.TrimEnd('.')}. Create it before the service starts " +
                "(edgegate provision, run as root, creates the template key and the API token for the service user) " +
                "or give the service a writable credentials directory");
        }
        finally
        {
            if (File.Exists(temporaryPath))
            {
                File.Delete(temporaryPath);
            }
        }
        return true;
    }

    private static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CredentialFileException(
                $"cannot read the credential file {path}: {exception.Message.TrimEnd('.')}. It must belong to the user the gateway " +
                $"runs as (e.g. chown edgegate:edgegate {path}; install.sh gives that user the credentials directory)");
        }
    }

    private static void CheckPrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            throw new CredentialFileException(
                $"the credential file {path} is readable or writable by group or others (mode " +
                $"{Convert.ToString((int)mode, 8)}); make it 0600 or 0400 (chmod 600 {path}) and owned by the " +
                "service user");
        }
    }

    private static byte[] Read(string path, int length)
    {
        CheckPrivate(path);
        var content = ReadAll(path);
        try
        {
            if (content.Length == length)
            {
                return content;
            }
            var text = System.Text.Encoding.ASCII.GetString(content).Trim();
            var decoded = new byte[length];
            if (Convert.TryFromBase64String(text, decoded, out var written) && written == length)
            {
                return decoded;
            }
            CryptographicOperations.ZeroMemory(decoded);
            throw new CredentialFileException(
                $"the credential file {path} must hold {length} random bytes, raw or base64 (found {content.Length} bytes)");
        }
        finally
        {
            if (content.Length != length)
            {
                CryptographicOperations.ZeroMemory(content);
            }
        }
    }
}
