using System.Security.Cryptography;
using System.Text;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;

namespace EdgeGate.Api;

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

    /// <summary>The token file's path in <paramref name="credentialsDirectory"/>.</summary>
    public static string PathIn(string credentialsDirectory) => Path.Combine(credentialsDirectory, TokenFileName);

    /// <exception cref="ApiTokenException">The file is readable by group or others, too short, or cannot be created.</exception>
    public static ApiToken LoadOrCreate(string credentialsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(credentialsDirectory);
        var path = PathIn(credentialsDirectory);
        try
        {
            var text = CredentialFile.ReadTextOrNull(credentialsDirectory, TokenFileName);
            if (text is null)
            {
                var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                CredentialFile.WriteText(credentialsDirectory, TokenFileName, token, overwrite: false);
                // Another process may have written its token first: the file decides.
                text = CredentialFile.ReadTextOrNull(credentialsDirectory, TokenFileName) ?? token;
            }
            text = text.Trim();
            if (text.Length < MinimumLength)
            {
                throw new ApiTokenException($"the API token in {path} must be at least {MinimumLength} characters");
            }
            return new ApiToken(text);
        }
        catch (CredentialFileException exception)
        {
            throw new ApiTokenException($"API token: {exception.Message}");
        }
    }
}

/// <summary>The API token file is missing, malformed or too widely readable.</summary>
public sealed class ApiTokenException(string message) : Exception(message);
