namespace EdgeGate.Storage.Privacy;

/// <summary>
/// Seals stranger snapshots with the template key (AES-256-GCM, as templates and photos): each file
/// is bound to its name, so a file renamed or swapped for another does not open. Get it from
/// <see cref="EdgeGateDatabase.SnapshotCipher"/>; the key itself never leaves the database.
/// </summary>
public sealed class SnapshotCipher
{
    private const string Purpose = "stranger-snapshot";
    private readonly BlobCipher cipher;

    internal SnapshotCipher(BlobCipher cipher)
    {
        this.cipher = cipher;
    }

    /// <summary>The sealed bytes of <paramref name="content"/> for the file <paramref name="fileName"/>.</summary>
    public byte[] Seal(ReadOnlySpan<byte> content, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return cipher.Encrypt(content, BlobCipher.AssociatedData(Purpose, string.Empty, fileName));
    }

    /// <summary>The content of a file sealed by <see cref="Seal"/> under <paramref name="fileName"/>.</summary>
    /// <exception cref="TemplateDecryptionException">Another key, another name, or altered bytes.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedContent, string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return cipher.Decrypt(sealedContent, BlobCipher.AssociatedData(Purpose, string.Empty, fileName), $"stranger snapshot {fileName}");
    }
}
