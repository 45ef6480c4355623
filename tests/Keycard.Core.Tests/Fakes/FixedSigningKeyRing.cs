using System.Security.Cryptography;
using Keycard.Core.Signing;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Tests.Fakes;

/// <summary>A ring with one RS256 key that signs from <paramref name="now"/> for a day: enough for tests of what is signed.</summary>
internal sealed class FixedSigningKeyRing(DateTimeOffset now) : ISigningKeyRing
{
    public SigningKey Key { get; } = Make(now);

    /// <summary>An ES256 key beside the RS256 one, for clients registered with ES256.</summary>
    public SigningKey EcKey { get; } = MakeEc(now);

    public ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Key);

    public ValueTask<SigningKey> GetCurrentAsync(string algorithm, CancellationToken cancellationToken) =>
        ValueTask.FromResult(algorithm == SigningAlgorithms.ES256 ? EcKey : Key);

    public ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<SigningKey>>([Key, EcKey]);

    private static SigningKey Make(DateTimeOffset now)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
        return new SigningKey(key.KeyId, SigningAlgorithms.RS256, System.Text.Json.JsonSerializer.Serialize(jwk), key, now, now, now.AddDays(1), now.AddDays(2));
    }

    private static SigningKey MakeEc(DateTimeOffset now)
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "test-ec-key" };
        return new SigningKey(key.KeyId, SigningAlgorithms.ES256, "{}", key, now, now, now.AddDays(1), now.AddDays(2));
    }
}
