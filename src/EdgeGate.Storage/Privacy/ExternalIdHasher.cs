using System.Security.Cryptography;
using System.Text;

namespace EdgeGate.Storage.Privacy;

/// <summary>
/// Turns an external identifier (a national ID number, a platform's resident number) into a salted
/// HMAC-SHA-256 so that the box never stores it in clear but can still find a person by it. The salt
/// lives beside the template key (<c>external-id-salt</c>, same permission rules).
/// </summary>
public sealed class ExternalIdHasher
{
    public const string SaltFileName = "external-id-salt";
    private const int SaltLengthBytes = 32;

    private readonly byte[] salt;

    private ExternalIdHasher(byte[] salt)
    {
        this.salt = salt;
    }

    public static ExternalIdHasher LoadOrCreate(string credentialsDirectory) =>
        new(CredentialFile.ReadOrCreate(credentialsDirectory, SaltFileName, SaltLengthBytes, create: true));

    /// <summary>The hash (lower-case hex) of the identifier, trimmed and upper-cased first.</summary>
    public string Hash(string externalId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(externalId);
        var normalised = Encoding.UTF8.GetBytes(externalId.Trim().ToUpperInvariant());
        try
        {
            return Convert.ToHexStringLower(HMACSHA256.HashData(salt, normalised));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(normalised);
        }
    }
}
