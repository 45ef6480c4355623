using System.Security.Cryptography;
using Keycard.Core.Signing;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Core.Tests.Fakes;

/// <summary>A ring with one RS256 key that signs from <paramref name="now"/> for a day: enough for tests of what is signed.</summary>
internal sealed class FixedSigningKeyRing(DateTimeOffset now) : ISigningKeyRing
{
    public SigningKey Key { get; } = Make(now);

    public ValueTask<SigningKey> GetCurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Key);

    public ValueTask<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<SigningKey>>([Key]);

    private static SigningKey Make(DateTimeOffset now)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
        return new SigningKey(key.KeyId, SigningAlgorithms.RS256, System.Text.Json.JsonSerializer.Serialize(jwk), key, now, now, now.AddDays(1), now.AddDays(2));
    }
}
