namespace Keycard.Storage.SigningKeys;

/// <summary>A key pair made but not yet stored: the private key only as the key-encryption key's ciphertext.</summary>
internal sealed record GeneratedSigningKey(string KeyId, string Algorithm, string PublicJwk, byte[] EncryptedPrivateKey, string KeyEncryptionKeyId);
