using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Keycard.Storage.DataProtection;

/// <summary>
/// The key-encryption key (KEK): a 256-bit AES-GCM key that never lives in the database and encrypts the secrets that
/// do (today the Data Protection key ring behind sign-in cookies and anti-forgery tokens; later signing keys), so a
/// copy of the database alone cannot be used to sign in (OWASP Cryptographic Storage Cheat Sheet, "Key Storage":
/// keep keys separate from the data they protect; NIST SP 800-57 Part 1 §6.2.1, key wrapping).
/// </summary>
/// <remarks>
/// Taken from, in order: the environment variable <see cref="EnvironmentVariable"/> or the setting
/// <see cref="Setting"/> (base64 of 32 bytes), a file named by <see cref="FileSetting"/>, or, for the embedded SQLite
/// database, a file beside it (<c>keycard.db.kek</c>) made at first start with owner-only permissions. Several
/// nodes on PostgreSQL must share one, so there it has to be supplied.
/// </remarks>
public sealed class KeyEncryptionKey
{
    public const string EnvironmentVariable = "KEYCARD_KEY_ENCRYPTION_KEY";
    public const string Setting = "Keycard:KeyEncryptionKey";
    public const string FileSetting = "Keycard:KeyEncryptionKeyFile";
    public const string FileSuffix = ".kek";

    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    private KeyEncryptionKey(byte[] key, string source, bool generated)
    {
        _key = key;
        Source = source;
        Generated = generated;
        Id = Convert.ToHexStringLower(SHA256.HashData(key))[..16];
    }

    /// <summary>Names the key without revealing it (the first 8 bytes of its SHA-256), so a mismatch can be reported.</summary>
    public string Id { get; }

    /// <summary>Where the key came from, for the start-up log.</summary>
    public string Source { get; }

    /// <summary>The key file was made at this start.</summary>
    public bool Generated { get; }

    public static KeyEncryptionKey FromBytes(byte[] key, string source = "memory") =>
        key.Length == KeySize ? new KeyEncryptionKey(key, source, false) : throw new KeyEncryptionKeyException($"The key-encryption key from {source} must be {KeySize} bytes.");

    /// <summary>nonce (12 bytes) ‖ tag (16 bytes) ‖ ciphertext, AES-256-GCM with <paramref name="associatedData"/> bound in.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), associatedData);
        return output;
    }

    /// <summary>Reverses <see cref="Encrypt"/>; throws <see cref="CryptographicException"/> under another key or on tampering.</summary>
    public byte[] Decrypt(ReadOnlySpan<byte> encrypted, ReadOnlySpan<byte> associatedData)
    {
        if (encrypted.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted value is too short.");
        }

        var plaintext = new byte[encrypted.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(encrypted[..NonceSize], encrypted[(NonceSize + TagSize)..], encrypted.Slice(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }

    /// <summary>The configured key, or the embedded default's key file (made now if missing).</summary>
    public static KeyEncryptionKey Load(IConfiguration configuration, DatabaseLocation database)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return Parse(fromEnvironment, EnvironmentVariable);
        }

        if (configuration[Setting] is { Length: > 0 } fromSetting)
        {
            return Parse(fromSetting, Setting);
        }

        if (configuration[FileSetting] is { Length: > 0 } file)
        {
            return ReadFile(Path.GetFullPath(file), FileSetting + " " + file);
        }

        if (database.Provider != DatabaseProvider.Sqlite)
        {
            throw new KeyEncryptionKeyException(
                $"PostgreSQL needs a key-encryption key shared by every node: set {EnvironmentVariable} (base64 of 32 random bytes, " +
                $"e.g. from `openssl rand -base64 32`) or {FileSetting}. See docs/deployment.md.");
        }

        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource + FileSuffix;
        if (File.Exists(path))
        {
            return ReadFile(path, path);
        }

        var key = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            // Owner-only from the first byte: the file is created with mode 0600, never widened afterwards.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(Convert.ToBase64String(key));
            }

            return new KeyEncryptionKey(key, path, generated: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it at the same moment: use theirs.
            return ReadFile(path, path);
        }
    }

    private static KeyEncryptionKey ReadFile(string path, string source)
    {
        try
        {
            return Parse(File.ReadAllText(path).Trim(), source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyEncryptionKeyException($"Cannot read the key-encryption key file {path}: {e.Message}");
        }
    }

    private static KeyEncryptionKey Parse(string base64, string source)
    {
        var buffer = new byte[KeySize + 1];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == KeySize
            ? new KeyEncryptionKey(buffer[..KeySize], source, generated: false)
            : throw new KeyEncryptionKeyException($"The key-encryption key in {source} must be base64 of exactly {KeySize} bytes (e.g. `openssl rand -base64 32`).");
    }
}
