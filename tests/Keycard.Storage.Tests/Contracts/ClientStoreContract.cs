using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>What every <see cref="IClientStore"/> must do, whatever the database.</summary>
public abstract class ClientStoreContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [SkippableFact]
    public async Task Find_AfterAdd_ReturnsEveryFieldAsStored()
    {
        var client = NewClient() with
        {
            IsConfidential = true,
            SecretHash = SecureToken.Hash("s3cret-value"),
            RedirectUris = ["https://app.example.com/callback", "com.example.app:/oauth"],
            AllowedOrigins = ["https://app.example.com"],
            AllowedScopes = ["email", "profile"],
            RequirePkce = true,
            AllowPasswordCodeEndpoint = false,
            AllowClientCredentials = true,
            IsThirdParty = true,
            PostLogoutRedirectUris = ["https://app.example.com/signed-out"],
            AccessTokenFormat = AccessTokenFormats.Jwt,
            Resources = ["https://api.example.com/"],
            SigningAlgorithm = "ES256",
        };

        Assert.True(await Store(s => s.AddAsync(client, CancellationToken.None)));
        var found = await Store(s => s.FindAsync(client.ClientId, CancellationToken.None));

        Assert.NotNull(found);
        Assert.Equal(client.Name, found.Name);
        Assert.Equal(client.AppCode, found.AppCode);
        Assert.True(found.IsConfidential);
        Assert.Equal(client.SecretHash, found.SecretHash);
        Assert.Equal(client.RedirectUris, found.RedirectUris);
        Assert.Equal(client.AllowedOrigins, found.AllowedOrigins);
        Assert.Equal(client.AllowedScopes, found.AllowedScopes);
        Assert.True(found.RequirePkce);
        Assert.False(found.AllowPasswordCodeEndpoint);
        Assert.True(found.AllowClientCredentials);
        Assert.True(found.IsThirdParty);
        Assert.Equal(client.PostLogoutRedirectUris, found.PostLogoutRedirectUris);
        Assert.Equal(AccessTokenFormats.Jwt, found.AccessTokenFormat);
        Assert.Equal(client.Resources, found.Resources);
        Assert.Equal("ES256", found.SigningAlgorithm);
        Assert.Equal(client.CreatedAt, found.CreatedAt);
        Assert.Equal(client.UpdatedAt, found.UpdatedAt);
    }

    [SkippableFact]
    public async Task Find_UnknownId_ReturnsNull()
    {
        Assert.Null(await Store(s => s.FindAsync("no-such-" + Guid.NewGuid().ToString("N"), CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Add_TakenId_ReturnsFalseAndKeepsTheFirst()
    {
        var client = NewClient();
        await Store(s => s.AddAsync(client, CancellationToken.None));

        var added = await Store(s => s.AddAsync(client with { Name = "Impostor" }, CancellationToken.None));

        Assert.False(added);
        Assert.Equal(client.Name, (await Store(s => s.FindAsync(client.ClientId, CancellationToken.None)))!.Name);
    }

    [SkippableFact]
    public async Task List_SeveralClients_ReturnsAllOrderedById()
    {
        var prefix = "list-" + Guid.NewGuid().ToString("N")[..8] + "-";
        foreach (var id in new[] { "b", "c", "a" })
        {
            await Store(s => s.AddAsync(NewClient(prefix + id), CancellationToken.None));
        }

        var listed = await Store(s => s.ListAsync(CancellationToken.None));

        Assert.Equal([prefix + "a", prefix + "b", prefix + "c"], listed.Select(c => c.ClientId).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));
        var ids = listed.Select(c => c.ClientId).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [SkippableFact]
    public async Task Update_ExistingClient_ReplacesItsFields()
    {
        var client = NewClient();
        await Store(s => s.AddAsync(client, CancellationToken.None));
        var changed = client with
        {
            Name = "Renamed",
            RedirectUris = ["https://new.example.com/cb"],
            AllowedOrigins = [],
            UpdatedAt = client.UpdatedAt.AddDays(1),
        };

        var updated = await Store(s => s.UpdateAsync(changed, CancellationToken.None));

        Assert.True(updated);
        var found = await Store(s => s.FindAsync(client.ClientId, CancellationToken.None));
        Assert.Equal("Renamed", found!.Name);
        Assert.Equal(["https://new.example.com/cb"], found.RedirectUris);
        Assert.Empty(found.AllowedOrigins);
        Assert.Equal(changed.UpdatedAt, found.UpdatedAt);
    }

    [SkippableFact]
    public async Task Update_UnknownClient_ReturnsFalseAndCreatesNothing()
    {
        var client = NewClient();

        Assert.False(await Store(s => s.UpdateAsync(client, CancellationToken.None)));
        Assert.Null(await Store(s => s.FindAsync(client.ClientId, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Remove_ClientWithTokens_DeletesTheClientAndItsTokens()
    {
        var client = NewClient();
        await Store(s => s.AddAsync(client, CancellationToken.None));
        var token = TestTokens.New(TestDatabase.Start, clientId: client.ClientId, scope: "");
        await Database.AddTokensAsync(token);

        var removed = await Store(s => s.RemoveAsync(client.ClientId, CancellationToken.None));

        Assert.True(removed);
        Assert.Null(await Store(s => s.FindAsync(client.ClientId, CancellationToken.None)));
        Assert.Null(await Database.FindTokenAsync(token.Hash));
    }

    [SkippableFact]
    public async Task Remove_UnknownClient_ReturnsFalse()
    {
        Assert.False(await Store(s => s.RemoveAsync("no-such-" + Guid.NewGuid().ToString("N"), CancellationToken.None)));
    }

    [SkippableFact]
    public async Task IsOriginAllowed_RegisteredOrigin_IsTrueIgnoringCase()
    {
        var origin = $"https://{Guid.NewGuid():N}.example.com";
        await Store(s => s.AddAsync(NewClient() with { AllowedOrigins = [origin] }, CancellationToken.None));

        Assert.True(await Store(s => s.IsOriginAllowedAsync(origin, CancellationToken.None)));
        Assert.True(await Store(s => s.IsOriginAllowedAsync(origin.ToUpperInvariant(), CancellationToken.None)));
    }

    [SkippableFact]
    public async Task IsOriginAllowed_UnregisteredOrPartialOrigin_IsFalse()
    {
        var origin = $"https://{Guid.NewGuid():N}.example.com";
        await Store(s => s.AddAsync(NewClient() with { AllowedOrigins = [origin] }, CancellationToken.None));

        Assert.False(await Store(s => s.IsOriginAllowedAsync("https://evil.example.net", CancellationToken.None)));
        Assert.False(await Store(s => s.IsOriginAllowedAsync(origin + ".evil.example.net", CancellationToken.None)));
        Assert.False(await Store(s => s.IsOriginAllowedAsync(origin[..^4], CancellationToken.None)));
    }

    [SkippableFact]
    public async Task IsOriginAllowed_AfterClientRemoved_IsFalse()
    {
        var origin = $"https://{Guid.NewGuid():N}.example.com";
        var client = NewClient() with { AllowedOrigins = [origin] };
        await Store(s => s.AddAsync(client, CancellationToken.None));

        await Store(s => s.RemoveAsync(client.ClientId, CancellationToken.None));

        Assert.False(await Store(s => s.IsOriginAllowedAsync(origin, CancellationToken.None)));
    }

    private static Client NewClient(string? clientId = null)
    {
        var id = clientId ?? "client-" + Guid.NewGuid().ToString("N");
        return new Client
        {
            ClientId = id,
            Name = "App " + id,
            AppCode = id + "-code",
            RedirectUris = ["https://app.example.com/callback"],
            CreatedAt = TestDatabase.Start,
            UpdatedAt = TestDatabase.Start,
        };
    }

    private Task<T> Store<T>(Func<IClientStore, Task<T>> action) =>
        Database.InScopeAsync(sp => action(sp.GetRequiredService<IClientStore>()));
}
