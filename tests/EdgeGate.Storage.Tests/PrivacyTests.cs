using System.Runtime.InteropServices;
using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;
using EdgeGate.Storage.Privacy;
using Microsoft.Data.Sqlite;

namespace EdgeGate.Storage.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivacyTests
{
    [Fact]
    public async Task The_database_files_hold_no_raw_embedding_bytes()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var embedding = Samples.Embedding(4242);
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        var added = await test.Db.Templates.AddAsync(new FaceTemplate { PersonId = "p-1", ModelId = Samples.Model, Embedding = embedding, Quality = 1 });
        Assert.Equal(TemplateWriteStatus.Applied, added.Status);
        var photo = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("JPEG-PHOTO-BYTES-OF-A-FACE|", 20)));
        Assert.Equal(TemplateWriteStatus.Applied, (await test.Db.Templates.AddPhotoAsync("p-1", photo, "image/jpeg")).Status);

        // read back through the store: decryption gives the exact floats and photo back
        var stored = Assert.Single(await test.Db.Templates.ListForPersonAsync("p-1"));
        Assert.Equal(embedding, stored.Embedding);
        Assert.Equal(photo, Assert.Single(await test.Db.Templates.ListPhotosAsync("p-1")).Content);

        var embeddingBytes = MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();
        // while open (the rows sit in the -wal file) and after a clean close (checkpointed into the main file)
        for (var phase = 0; phase < 2; phase++)
        {
            var files = new[] { test.DatabasePath, test.DatabasePath + "-wal" }.Where(File.Exists).ToList();
            Assert.NotEmpty(files);
            var everything = files.SelectMany(ReadShared).ToArray();
            Assert.True(everything.Length > 4096);
            Assert.Equal(-1, everything.AsSpan().IndexOf(embeddingBytes));
            for (var offset = 0; offset + 16 <= embeddingBytes.Length; offset += 16)
            {
                Assert.Equal(-1, everything.AsSpan().IndexOf(embeddingBytes.AsSpan(offset, 16)));
            }
            Assert.Equal(-1, everything.AsSpan().IndexOf(photo.AsSpan(0, 27)));
            test.Close();
        }
    }

    [Fact]
    public void A_key_is_created_owner_only_in_an_owner_only_directory_and_reloaded()
    {
        var folder = Path.Combine(Path.GetTempPath(), "edgegate-storage-tests", Guid.NewGuid().ToString("N"));
        var credentials = Path.Combine(folder, "credentials");
        try
        {
            using var first = TemplateKeyStore.LoadOrCreate(credentials);
            var keyFile = Path.Combine(credentials, TemplateKeyStore.KeyFileName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(credentials));
            using var second = TemplateKeyStore.Load(credentials);
            Assert.Equal(first.Fingerprint, second.Fingerprint);
            Assert.Empty(Directory.GetFiles(credentials, "*.new"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherWrite)]
    public void A_key_file_readable_by_group_or_others_is_refused(UnixFileMode mode)
    {
        var folder = Path.Combine(Path.GetTempPath(), "edgegate-storage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            TemplateKeyStore.LoadOrCreate(folder).Dispose();
            var keyFile = Path.Combine(folder, TemplateKeyStore.KeyFileName);
            File.SetUnixFileMode(keyFile, mode);
            var error = Assert.Throws<CredentialFileException>(() => TemplateKeyStore.LoadOrCreate(folder));
            Assert.Contains(keyFile, error.Message, StringComparison.Ordinal);
            Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead);
            TemplateKeyStore.Load(folder).Dispose();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_or_malformed_key_file_is_a_clear_error()
    {
        var folder = Path.Combine(Path.GetTempPath(), "edgegate-storage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Contains("does not exist", Assert.Throws<CredentialFileException>(() => TemplateKeyStore.Load(folder)).Message, StringComparison.Ordinal);
            Directory.CreateDirectory(folder);
            var keyFile = Path.Combine(folder, TemplateKeyStore.KeyFileName);
            File.WriteAllText(keyFile, "too short\n");
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Contains("32 random bytes", Assert.Throws<CredentialFileException>(() => TemplateKeyStore.Load(folder)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Opening_with_another_key_fails_with_a_clear_error()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1)]);
        test.Close();

        using var otherKey = new TemplateKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var error = Assert.Throws<TemplateDecryptionException>(() => EdgeGateDatabase.Open(test.Options(), otherKey, test.Time));
        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
        Assert.Contains(otherKey.Fingerprint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_decrypted_with_the_wrong_key_or_for_another_person_fails_with_a_clear_error()
    {
        using var rightKey = new TemplateKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var wrongKey = new TemplateKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var right = new BlobCipher(rightKey);
        using var wrong = new BlobCipher(wrongKey);
        var plaintext = MemoryMarshal.AsBytes(Samples.Embedding(7).AsSpan()).ToArray();
        var associated = BlobCipher.AssociatedData("face-template", "p-1", Samples.Model);
        var blob = right.Encrypt(plaintext, associated);
        var again = right.Encrypt(plaintext, associated);
        Assert.NotEqual(blob, again); // random nonce per blob
        Assert.Equal(plaintext, right.Decrypt(blob, associated, "template 1"));

        var wrongKeyError = Assert.Throws<TemplateDecryptionException>(() => wrong.Decrypt(blob, associated, "template 1 of person p-1"));
        Assert.Contains("template 1 of person p-1 could not be decrypted", wrongKeyError.Message, StringComparison.Ordinal);
        Assert.Contains("template key", wrongKeyError.Message, StringComparison.Ordinal);
        Assert.Throws<TemplateDecryptionException>(() => right.Decrypt(blob, BlobCipher.AssociatedData("face-template", "p-2", Samples.Model), "moved blob"));
        blob[^1] ^= 1;
        Assert.Throws<TemplateDecryptionException>(() => right.Decrypt(blob, associated, "altered blob"));
    }

    [Fact]
    public async Task A_template_row_copied_to_another_person_does_not_decrypt()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.EnrolAsync(Samples.Person("p-1"), [Samples.Template("p-1", 1)]);
        await test.Db.Persons.AddAsync(Samples.Person("p-2", "Omar Saleh"));
        using (var connection = MigrationTests.RawConnection(test.DatabasePath))
        {
            MigrationTests.Execute(connection, "UPDATE face_templates SET person_id = 'p-2'");
        }
        SqliteConnection.ClearAllPools();
        var error = await Assert.ThrowsAsync<TemplateDecryptionException>(() => test.Db.Templates.ListForPersonAsync("p-2"));
        Assert.Contains("person p-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task External_ids_are_stored_only_as_salted_hashes()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        var hasher = ExternalIdHasher.LoadOrCreate(test.CredentialsDirectory);
        var otherSalt = ExternalIdHasher.LoadOrCreate(Path.Combine(test.Folder, "other-credentials"));
        const string NationalId = "784-1985-1234567-1";
        var hash = hasher.Hash(NationalId);
        Assert.Equal(hash, hasher.Hash(" 784-1985-1234567-1 "));
        Assert.NotEqual(hash, otherSalt.Hash(NationalId));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(test.CredentialsDirectory, ExternalIdHasher.SaltFileName)));

        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        Assert.Throws<ArgumentException>(() => { _ = test.Db.Persons.SetExternalIdHashAsync("p-1", NationalId); });
        Assert.True(await test.Db.Persons.SetExternalIdHashAsync("p-1", hash));
        Assert.Equal("p-1", (await test.Db.Persons.FindByExternalIdHashAsync(hasher.Hash(NationalId)))!.Id);
        test.Close();
        var everything = new[] { test.DatabasePath, test.DatabasePath + "-wal" }.Where(File.Exists).SelectMany(ReadShared).ToArray();
        Assert.Equal(-1, everything.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes("1234567")));
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
