using Keycard.Core.Clients;
using Keycard.Core.Consent;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>What every <see cref="IConsentStore"/> must do, whatever the database (issue 16).</summary>
public abstract class ConsentStoreContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [SkippableFact]
    public async Task Find_NoConsent_ReturnsNull()
    {
        Assert.Null(await Store(s => s.FindAsync(NewUserId(), NewClientId(), CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Grant_Twice_StoresTheUnionOfTheScopes()
    {
        var (user, client) = (NewUserId(), NewClientId());

        await Store(s => s.GrantAsync(user, client, ["openid", "email"], TestDatabase.Start, CancellationToken.None));
        var second = await Store(s => s.GrantAsync(user, client, ["email", "profile"], TestDatabase.Start.AddMinutes(1), CancellationToken.None));

        Assert.Equal(["openid", "email", "profile"], second.Scopes);
        var found = await Store(s => s.FindAsync(user, client, CancellationToken.None));
        Assert.Equal(["openid", "email", "profile"], found!.Scopes);
        Assert.Equal(TestDatabase.Start.AddMinutes(1), found.GrantedAt);
    }

    [SkippableFact]
    public async Task Grant_NoScope_RemembersTheClientItself()
    {
        var (user, client) = (NewUserId(), NewClientId());

        await Store(s => s.GrantAsync(user, client, [], TestDatabase.Start, CancellationToken.None));

        var found = await Store(s => s.FindAsync(user, client, CancellationToken.None));
        Assert.NotNull(found);
        Assert.Empty(found.Scopes);
    }

    [SkippableFact]
    public async Task List_ByUserOrByClient_ReturnsOnlyThoseOrdered()
    {
        var (user, other) = (NewUserId(), NewUserId());
        var (b, a) = ("b-" + NewClientId(), "a-" + NewClientId());
        await Store(s => s.GrantAsync(user, b, ["email"], TestDatabase.Start, CancellationToken.None));
        await Store(s => s.GrantAsync(user, a, ["email"], TestDatabase.Start, CancellationToken.None));
        await Store(s => s.GrantAsync(other, a, ["openid"], TestDatabase.Start, CancellationToken.None));

        var mine = await Store(s => s.ListAsync(user, null, CancellationToken.None));
        var forA = await Store(s => s.ListAsync(null, a, CancellationToken.None));
        var one = await Store(s => s.ListAsync(other, a, CancellationToken.None));

        Assert.Equal([a, b], mine.Select(c => c.ClientId));
        Assert.Equal([Math.Min(user, other), Math.Max(user, other)], forA.Select(c => c.UserId));
        Assert.Equal(["openid"], Assert.Single(one).Scopes);
    }

    [SkippableFact]
    public async Task Revoke_OneClient_RemovesThatConsentAndRevokesOnlyThatClientsTokensForTheUser()
    {
        var (user, other) = (NewUserId(), NewUserId());
        var (client, otherClient) = (NewClientId(), NewClientId());
        await Store(s => s.GrantAsync(user, client, ["email"], TestDatabase.Start, CancellationToken.None));
        await Store(s => s.GrantAsync(user, otherClient, ["email"], TestDatabase.Start, CancellationToken.None));
        var revokedToken = await AddTokenAsync(user, client);
        var sameFamily = await AddTokenAsync(user, client, revokedToken.FamilyId);
        var otherClientToken = await AddTokenAsync(user, otherClient);
        var otherUserToken = await AddTokenAsync(other, client);

        var revocation = await Store(s => s.RevokeAsync(user, client, TestDatabase.Start.AddMinutes(5), CancellationToken.None));

        Assert.Equal([client], revocation.ClientIds);
        Assert.Equal([revokedToken.FamilyId], revocation.RevokedFamilies);
        Assert.Equal(2, revocation.TokensRevoked);
        Assert.Null(await Store(s => s.FindAsync(user, client, CancellationToken.None)));
        Assert.NotNull(await Store(s => s.FindAsync(user, otherClient, CancellationToken.None)));
        Assert.NotNull((await Database.FindTokenAsync(revokedToken.Hash))!.RevokedAt);
        Assert.NotNull((await Database.FindTokenAsync(sameFamily.Hash))!.RevokedAt);
        Assert.Null((await Database.FindTokenAsync(otherClientToken.Hash))!.RevokedAt);
        Assert.Null((await Database.FindTokenAsync(otherUserToken.Hash))!.RevokedAt);
    }

    [SkippableFact]
    public async Task Revoke_EveryClient_RemovesEveryConsentOfTheUserAndTheirTokens()
    {
        var user = NewUserId();
        var (a, b) = (NewClientId(), NewClientId());
        await Store(s => s.GrantAsync(user, a, ["email"], TestDatabase.Start, CancellationToken.None));
        await Store(s => s.GrantAsync(user, b, [], TestDatabase.Start, CancellationToken.None));
        var token = await AddTokenAsync(user, b);

        var revocation = await Store(s => s.RevokeAsync(user, null, TestDatabase.Start, CancellationToken.None));

        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), revocation.ClientIds.Order(StringComparer.Ordinal));
        Assert.Empty(await Store(s => s.ListAsync(user, null, CancellationToken.None)));
        Assert.NotNull((await Database.FindTokenAsync(token.Hash))!.RevokedAt);
    }

    [SkippableFact]
    public async Task ConsentServiceRevoke_AccessTokenAlreadyCached_IsRevokedAtOnce()
    {
        var user = NewUserId();
        var client = NewClientId();
        await Store(s => s.GrantAsync(user, client, ["email"], TestDatabase.Start, CancellationToken.None));
        var token = await AddTokenAsync(user, client, kind: TokenKind.AccessToken);

        // One scope, as one node: the lookup caches the live access token, then consent is revoked on the same node.
        var found = await Database.InScopeAsync(async sp =>
        {
            var tokens = sp.GetRequiredService<ITokenStore>();
            Assert.Null((await tokens.FindAsync(token.Hash, CancellationToken.None))!.RevokedAt);
            await sp.GetRequiredService<ConsentService>().RevokeAsync(user, client, CancellationToken.None);
            return await tokens.FindAsync(token.Hash, CancellationToken.None);
        });

        Assert.NotNull(found!.RevokedAt);
    }

    [SkippableFact]
    public async Task RemoveClient_WithConsents_DeletesThemToo()
    {
        var client = new Client
        {
            ClientId = NewClientId(),
            Name = "Partner",
            AppCode = "partner",
            RedirectUris = ["https://partner.example.com/cb"],
            IsThirdParty = true,
            AllowPasswordCodeEndpoint = false,
        };
        var user = NewUserId();
        await Database.InScopeAsync(sp => sp.GetRequiredService<IClientStore>().AddAsync(client, CancellationToken.None));
        await Store(s => s.GrantAsync(user, client.ClientId, ["email"], TestDatabase.Start, CancellationToken.None));

        await Database.InScopeAsync(sp => sp.GetRequiredService<IClientStore>().RemoveAsync(client.ClientId, CancellationToken.None));

        Assert.Empty(await Store(s => s.ListAsync(null, client.ClientId, CancellationToken.None)));
    }

    private async Task<StoredToken> AddTokenAsync(int userId, string clientId, string? familyId = null, TokenKind kind = TokenKind.RefreshToken)
    {
        var token = TestTokens.New(TestDatabase.Start, kind, clientId: clientId, userId: userId, familyId: familyId);
        await Database.AddTokensAsync(token);
        return token;
    }

    private static int NewUserId() => Random.Shared.Next(1_000_000, int.MaxValue);

    private static string NewClientId() => "client-" + Guid.NewGuid().ToString("N");

    private Task<T> Store<T>(Func<IConsentStore, Task<T>> action) =>
        Database.InScopeAsync(sp => action(sp.GetRequiredService<IConsentStore>()));
}
