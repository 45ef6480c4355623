using Keycard.Core.Clients;
using Keycard.Core.Signing;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.Fakes;

/// <summary>Stores tokens straight into the harness's store, as a grant would have, so a test starts from any client's tokens.</summary>
public sealed class TokenMint(CoreHarness core)
{
    /// <summary>The issuer a grant would have taken from the request (a JWT client's tokens carry it as <c>iss</c>).</summary>
    public const string Issuer = "https://keycard.example";

    public TokenFactory Factory { get; } = new(core.Time, Options.Create(core.Protocol), new JwtSigner(core.SigningKeys));

    /// <summary>An access and a refresh token of one authorization (one family) for <paramref name="client"/>, in the client's format.</summary>
    public async Task<IssuedTokens> IssueAsync(Client client, int? userId = FakeUserAuthenticator.UserId, string scope = "email", bool withRefresh = true)
    {
        var grant = new AccessTokenGrant { Client = client, UserId = userId, Scope = scope, FamilyId = Guid.NewGuid().ToString("N"), Issuer = Issuer };
        var (response, stored) = await Factory.CreatePairAsync(grant, withRefresh, core.Time.GetUtcNow(), CancellationToken.None);
        await core.Tokens.AddAsync(stored, CancellationToken.None);
        return response;
    }
}
