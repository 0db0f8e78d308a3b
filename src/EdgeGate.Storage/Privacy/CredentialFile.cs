using System.Security.Cryptography;

namespace EdgeGate.Storage.Privacy;

/// <summary>
/// A small secret in the credentials directory (systemd's <c>$CREDENTIALS_DIRECTORY</c> convention):
/// created on first use as 0600 inside a 0700 directory, refused when group or others may read it.
/// </summary>
internal static class CredentialFile
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

    private static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void Write(string path, int length)
    {
        var secret = RandomNumberGenerator.GetBytes(length);
        var temporaryPath = path + ".new";
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temporaryPath, options))
            {
                var text = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(secret) + "\n");
                stream.Write(text);
                stream.Flush(flushToDisk: true);
            }
            // Rename so that a crash never leaves a half-written key behind.
            File.Move(temporaryPath, path, overwrite: false);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new CredentialFileException(
                $"cannot create the credential file {path} ({exception.Message}); create it beforehand or " +
                "give the service a writable credentials directory");
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            if (File.Exists(temporaryPath))
            {
                File.Delete(temporaryPath);
            }
        }
    }

    private static byte[] Read(string path, int length)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOthers) != 0)
            {
                throw new CredentialFileException(
                    $"the credential file {path} is readable or writable by group or others (mode " +
                    $"{Convert.ToString((int)mode, 8)}); make it 0600 or 0400 (chmod 600 {path}) and owned by the " +
                    "service user");
            }
        }
        var content = File.ReadAllBytes(path);
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
