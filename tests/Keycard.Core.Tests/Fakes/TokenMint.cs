using Keycard.Core.Clients;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.Fakes;

/// <summary>Stores tokens straight into the harness's store, as a grant would have, so a test starts from any client's tokens.</summary>
public sealed class TokenMint(CoreHarness core)
{
    public TokenFactory Factory { get; } = new(core.Time, Options.Create(core.Protocol));

    /// <summary>An access and a refresh token of one authorization (one family) for <paramref name="client"/>.</summary>
    public async Task<IssuedTokens> IssueAsync(Client client, int? userId = FakeUserAuthenticator.UserId, string scope = "email", bool withRefresh = true)
    {
        var now = core.Time.GetUtcNow();
        var (response, stored) = Factory.CreatePair(client.ClientId, userId, scope, scope, Guid.NewGuid().ToString("N"), withRefresh, now);
        await core.Tokens.AddAsync(stored, CancellationToken.None);
        return response;
    }
}
