using System.Security.Cryptography;

namespace EdgeGate.Storage.Privacy;

/// <summary>
/// The 256-bit AES key that protects face templates and photos at rest. Load it with
/// <see cref="TemplateKeyStore"/>; it is never written into the database, only a fingerprint that tells
/// a wrong key apart from damaged data.
/// </summary>
public sealed class TemplateKey : IDisposable
{
    public const int LengthBytes = 32;

    private readonly byte[] key;
    private bool disposed;

    public TemplateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != LengthBytes)
        {
            throw new ArgumentException($"a template key has {LengthBytes} bytes, not {key.Length}", nameof(key));
        }
        this.key = key.ToArray();
        Fingerprint = ComputeFingerprint(this.key);
    }

    /// <summary>A one-way identifier of the key (hex), safe to store and log.</summary>
    public string Fingerprint { get; }

    internal AesGcm CreateCipher()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new AesGcm(key, AesGcm.TagByteSizes.MaxSize);
    }

    public void Dispose()
    {
        if (!disposed)
        {
            CryptographicOperations.ZeroMemory(key);
            disposed = true;
        }
    }

    private static string ComputeFingerprint(byte[] key)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, "EdgeGate template key fingerprint v1"u8, mac);
        return Convert.ToHexStringLower(mac[..16]);
    }
}
