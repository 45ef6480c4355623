namespace Keycard.Storage.SigningKeys;

/// <summary>
/// One signing key row. The private key (PKCS#8) is stored only encrypted with the key-encryption key, bound to the
/// row's <see cref="KeyId"/>; times are Unix seconds.
/// </summary>
public sealed class SigningKeyEntity
{
    public required string KeyId { get; set; }

    public required string Algorithm { get; set; }

    public required string PublicJwk { get; set; }

    public required byte[] EncryptedPrivateKey { get; set; }

    /// <summary>The id of the key-encryption key that encrypted <see cref="EncryptedPrivateKey"/>, to name a mismatch.</summary>
    public required string KeyEncryptionKeyId { get; set; }

    public long CreatedAt { get; set; }

    public long ActivatesAt { get; set; }

    public long RetiresAt { get; set; }

    public long ExpiresAt { get; set; }
}
