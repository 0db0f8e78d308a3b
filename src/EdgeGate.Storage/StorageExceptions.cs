namespace EdgeGate.Storage;

/// <summary>The store cannot do its job (broken infrastructure, not an expected outcome).</summary>
public class StorageException : Exception
{
    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The disk (or the configured size limit) is full: SQLite answered SQLITE_FULL and the write was rolled
/// back. Nothing of that write was recorded.
/// </summary>
public sealed class StorageFullException : StorageException
{
    public StorageFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The database file's schema does not fit this code (newer than the code, or inconsistent).</summary>
public sealed class SchemaVersionException : StorageException
{
    public SchemaVersionException(string message)
        : base(message)
    {
    }
}

/// <summary>The template key (or salt) file is missing, malformed or too widely readable.</summary>
public sealed class CredentialFileException : StorageException
{
    public CredentialFileException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// An encrypted template or photo could not be decrypted: a different key than the one it was written
/// with, or the stored bytes were altered.
/// </summary>
public sealed class TemplateDecryptionException : StorageException
{
    public TemplateDecryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TemplateDecryptionException(string message)
        : base(message)
    {
    }
}
