using System.Security.Cryptography;
using System.Text;

namespace EdgeGate.Gateway.Api;

/// <summary>
/// The bearer token of the local API. Compared in constant time over SHA-256 digests, so neither the
/// content nor the length of the token leaks through timing.
/// </summary>
public sealed class ApiToken
{
    private readonly byte[] digest;

    public ApiToken(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.Trim().Length < ApiTokenStore.MinimumLength)
        {
            throw new ArgumentException($"the API token must be at least {ApiTokenStore.MinimumLength} characters", nameof(value));
        }
        digest = SHA256.HashData(Encoding.UTF8.GetBytes(value.Trim()));
    }

    /// <summary>Whether <paramref name="presented"/> is the token (constant time).</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        Span<byte> presentedDigest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(presented.Trim().ToArray());
        SHA256.HashData(bytes, presentedDigest);
        CryptographicOperations.ZeroMemory(bytes);
        return CryptographicOperations.FixedTimeEquals(digest, presentedDigest);
    }

    /// <summary>Whether an <c>Authorization</c> header value is <c>Bearer &lt;token&gt;</c>.</summary>
    public bool MatchesAuthorizationHeader(string? header)
    {
        const string Scheme = "Bearer ";
        if (header is null || header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return Matches(header.AsSpan(Scheme.Length));
    }
}

/// <summary>
/// Reads the API token from <c>api-token</c> in the credentials directory, creating a random one (file
/// 0600, directory 0700) on first run. The file holds the token as text, so an installer may also
/// write its own.
/// </summary>
public static class ApiTokenStore
{
    public const string TokenFileName = "api-token";
    public const int MinimumLength = 16;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The token file's path in <paramref name="credentialsDirectory"/>.</summary>
    public static string PathIn(string credentialsDirectory) => Path.Combine(credentialsDirectory, TokenFileName);

    /// <exception cref="ApiTokenException">The file is readable by group or others, too short, or cannot be created.</exception>
    public static ApiToken LoadOrCreate(string credentialsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(credentialsDirectory);
        var path = PathIn(credentialsDirectory);
        if (!File.Exists(path))
        {
            Create(credentialsDirectory, path);
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            throw new ApiTokenException(
                $"the API token file {path} is readable or writable by group or others (mode {Convert.ToString((int)mode, 8)}); " +
                $"make it 0600 (chmod 600 {path}) and owned by the service user");
        }
        var text = File.ReadAllText(path).Trim();
        if (text.Length < MinimumLength)
        {
            throw new ApiTokenException($"the API token in {path} must be at least {MinimumLength} characters");
        }
        return new ApiToken(text);
    }

    private static void Create(string directory, string path)
    {
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var temporaryPath = path + ".new";
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            using (var stream = new FileStream(temporaryPath, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(token + "\n"));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporaryPath, path, overwrite: false);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new ApiTokenException(
                $"cannot create the API token file {path} ({exception.Message}); create it beforehand or give the " +
                "service a writable credentials directory");
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
        finally
        {
            if (File.Exists(temporaryPath))
            {
                File.Delete(temporaryPath);
            }
        }
    }
}

/// <summary>The API token file is missing, malformed or too widely readable.</summary>
public sealed class ApiTokenException(string message) : Exception(message);
