using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Keycard.Core.Signing;
using Keycard.Storage.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Storage.SigningKeys;

/// <summary>Makes key pairs, their public JWKs (RFC 7517 §4, RFC 7518 §6) and opens the stored private keys.</summary>
internal static class SigningKeyMaterial
{
    /// <summary>Binds a ciphertext to its row, so a private key copied onto another row does not decrypt.</summary>
    private static byte[] AssociatedData(string keyId) => System.Text.Encoding.UTF8.GetBytes("keycard-signing-key:" + keyId);

    /// <summary>
    /// A new key pair: its id, public JWK and private key encrypted with <paramref name="kek"/> (the plain private key
    /// never leaves this method). Generating an RSA key takes tens of milliseconds (seconds on a loaded machine), so
    /// <see cref="SigningKeyAdministration"/> calls this before it takes the database's write lock, not under it.
    /// </summary>
    public static GeneratedSigningKey Generate(string algorithm, KeyEncryptionKey kek)
    {
        // Hex, so a kid never starts with "-" and passes as a command-line argument.
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        byte[] pkcs8;
        JsonObject jwk;
        if (algorithm == SigningAlgorithms.ES256)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var p = ec.ExportParameters(false);
            pkcs8 = ec.ExportPkcs8PrivateKey();
            jwk = new JsonObject { ["kty"] = "EC", ["use"] = "sig", ["kid"] = keyId, ["alg"] = algorithm, ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
        }
        else
        {
            using var rsa = RSA.Create(2048);
            var p = rsa.ExportParameters(false);
            pkcs8 = rsa.ExportPkcs8PrivateKey();
            jwk = new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = keyId, ["alg"] = algorithm, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
        }

        try
        {
            return new GeneratedSigningKey(keyId, algorithm, jwk.ToJsonString(), kek.Encrypt(pkcs8, AssociatedData(keyId)), kek.Id);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The row that stores <paramref name="key"/> with its schedule.</summary>
    public static SigningKeyEntity ToEntity(GeneratedSigningKey key, DateTimeOffset createdAt, DateTimeOffset activatesAt, DateTimeOffset retiresAt, DateTimeOffset expiresAt) => new()
    {
        KeyId = key.KeyId,
        Algorithm = key.Algorithm,
        PublicJwk = key.PublicJwk,
        EncryptedPrivateKey = key.EncryptedPrivateKey,
        KeyEncryptionKeyId = key.KeyEncryptionKeyId,
        CreatedAt = createdAt.ToUnixTimeSeconds(),
        ActivatesAt = activatesAt.ToUnixTimeSeconds(),
        RetiresAt = retiresAt.ToUnixTimeSeconds(),
        ExpiresAt = expiresAt.ToUnixTimeSeconds(),
    };

    /// <summary>The row as a usable key; the private key is decrypted with the key-encryption key.</summary>
    public static SigningKey Open(SigningKeyEntity row, KeyEncryptionKey kek)
    {
        byte[] pkcs8;
        try
        {
            pkcs8 = kek.Decrypt(row.EncryptedPrivateKey, AssociatedData(row.KeyId));
        }
        catch (CryptographicException)
        {
            throw new KeyEncryptionKeyException(
                $"Signing key {row.KeyId} was encrypted with key-encryption key {row.KeyEncryptionKeyId}, not the configured {kek.Id} (or the row was changed).");
        }

        try
        {
            SecurityKey key;
            if (row.Algorithm == SigningAlgorithms.ES256)
            {
                var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                key = new ECDsaSecurityKey(ec) { KeyId = row.KeyId };
            }
            else
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                key = new RsaSecurityKey(rsa) { KeyId = row.KeyId };
            }

            return new SigningKey(
                row.KeyId,
                row.Algorithm,
                row.PublicJwk,
                key,
                DateTimeOffset.FromUnixTimeSeconds(row.CreatedAt),
                DateTimeOffset.FromUnixTimeSeconds(row.ActivatesAt),
                DateTimeOffset.FromUnixTimeSeconds(row.RetiresAt),
                DateTimeOffset.FromUnixTimeSeconds(row.ExpiresAt));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
