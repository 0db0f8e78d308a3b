using System.Security.Cryptography;
using System.Text;

namespace EdgeGate.Storage.Privacy;

/// <summary>
/// AES-256-GCM for stored biometric blobs. Layout: format byte (1), nonce (12, random per blob),
/// tag (16), ciphertext. The associated data binds a blob to its owner and purpose, so a blob copied
/// to another person's row does not decrypt.
/// </summary>
internal sealed class BlobCipher : IDisposable
{
    private const byte FormatVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + NonceLength + TagLength;

    private readonly AesGcm aes;
    private readonly Lock gate = new();

    public BlobCipher(TemplateKey key)
    {
        aes = key.CreateCipher();
    }

    public static byte[] AssociatedData(string purpose, string personId, string detail) =>
        Encoding.UTF8.GetBytes($"edgegate/{purpose}/v1\n{personId}\n{detail}");

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var blob = new byte[HeaderLength + plaintext.Length];
        blob[0] = FormatVersion;
        var nonce = blob.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        lock (gate)
        {
            aes.Encrypt(nonce, plaintext, blob.AsSpan(HeaderLength), blob.AsSpan(1 + NonceLength, TagLength), associatedData);
        }
        return blob;
    }

    /// <exception cref="TemplateDecryptionException">Wrong key or altered bytes.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> associatedData, string description)
    {
        if (blob.Length < HeaderLength || blob[0] != FormatVersion)
        {
            throw new TemplateDecryptionException(
                $"{description}: stored blob is not in the expected encrypted format (length {blob.Length})");
        }
        var plaintext = new byte[blob.Length - HeaderLength];
        try
        {
            lock (gate)
            {
                aes.Decrypt(blob.Slice(1, NonceLength), blob[HeaderLength..], blob.Slice(1 + NonceLength, TagLength), plaintext, associatedData);
            }
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new TemplateDecryptionException(
                $"{description} could not be decrypted: the template key is not the one it was written with, or " +
                "the stored bytes were altered", exception);
        }
        return plaintext;
    }

    public void Dispose() => aes.Dispose();
}
