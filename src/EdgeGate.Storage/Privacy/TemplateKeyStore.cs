using System.Security.Cryptography;

namespace EdgeGate.Storage.Privacy;

/// <summary>
/// Finds the template key in a credentials directory: systemd passes one in
/// <c>$CREDENTIALS_DIRECTORY</c>; the caller decides which directory to use.
/// </summary>
public static class TemplateKeyStore
{
    public const string KeyFileName = "template-key";
    public const string CredentialsDirectoryVariable = "CREDENTIALS_DIRECTORY";

    /// <summary>systemd's credentials directory for this service, or null outside systemd.</summary>
    public static string? CredentialsDirectoryFromEnvironment() =>
        Environment.GetEnvironmentVariable(CredentialsDirectoryVariable) is { Length: > 0 } directory ? directory : null;

    /// <summary>
    /// Loads <c>template-key</c> from <paramref name="credentialsDirectory"/>, creating a random key (file
    /// 0600, directory 0700) on first run.
    /// </summary>
    /// <exception cref="CredentialFileException">
    /// The file is readable by group or others, malformed, or cannot be created.
    /// </exception>
    public static TemplateKey LoadOrCreate(string credentialsDirectory) => Load(credentialsDirectory, create: true);

    /// <summary>Loads an existing key; never creates one.</summary>
    public static TemplateKey Load(string credentialsDirectory) => Load(credentialsDirectory, create: false);

    private static TemplateKey Load(string credentialsDirectory, bool create)
    {
        var bytes = CredentialFile.ReadOrCreate(credentialsDirectory, KeyFileName, TemplateKey.LengthBytes, create);
        try
        {
            return new TemplateKey(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
