using System.Net;
using Keycard.Server.Tests.Cli;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Issue 12 item 3: a password change ends every token and sign-in session of the user (a stolen refresh token must
/// not outlive the reset, RFC 9700 §4.14), and operators can end every session of one user or one client at once.
/// </summary>
public sealed class SessionRevocationTests
{
    [Fact]
    public async Task SetPassword_OldAccessAndRefreshTokens_StopWorking()
    {
        using var factory = NewFactory();
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var tokens = await api.SignInAsync();

        var errors = await factory.WithScopeAsync(sp => sp.GetRequiredService<UserAdministration>()
            .SetPasswordAsync(KeycardFactory.UserName, "a brand new password", CancellationToken.None));

        Assert.Empty(errors);
        using var me = await api.MeAsync(tokens.AccessToken);
        using var refresh = await api.RefreshAsync(tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, refresh.StatusCode);
    }

    [Fact]
    public async Task TokensRevokeUser_Cli_EndsTokensAndSignInSession()
    {
        using var factory = NewFactory();
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var tokens = await api.SignInAsync();
        var browser = LoginPageClient.Create(factory);
        using (var signIn = await browser.SignInAsync(LoginPageClient.DefaultQuery()))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        }

        using (var withSession = await browser.Http.GetAsync(OAuthForms.AuthorizeUrl()))
        {
            Assert.Equal(HttpStatusCode.Found, withSession.StatusCode);
        }

        var (code, output, error) = await KeycardProcess.RunAsync(null, "tokens", "revoke", "--user", KeycardFactory.UserName, "--database", factory.DatabasePath);

        Assert.True(code == 0, error);
        Assert.Contains("Revoked", output, StringComparison.Ordinal);
        using var me = await api.MeAsync(tokens.AccessToken);
        using var refresh = await api.RefreshAsync(tokens.RefreshToken);
        using var page = await browser.Http.GetAsync(OAuthForms.AuthorizeUrl());
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, refresh.StatusCode);
        Assert.True(await SignInForm.IsFormAsync(page));
    }

    [Fact]
    public async Task TokensRevokeClient_Cli_EndsThatClientsTokensOnly()
    {
        using var factory = NewFactory();
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var confidential = await api.SignInAsync(KeycardFactory.ConfidentialClientId, factory.ConfidentialSecret);
        var other = await api.SignInAsync();

        var (code, _, error) = await KeycardProcess.RunAsync(null, "tokens", "revoke", "--client", KeycardFactory.ConfidentialClientId, "--database", factory.DatabasePath);

        Assert.True(code == 0, error);
        using var revoked = await api.MeAsync(confidential.AccessToken);
        using var kept = await api.MeAsync(other.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task TokensRevoke_NeitherOrUnknown_FailsClearly()
    {
        using var factory = NewFactory();
        await factory.SeedAsync();

        var (neither, _, neitherError) = await KeycardProcess.RunAsync(null, "tokens", "revoke", "--database", factory.DatabasePath);
        var (unknown, _, unknownError) = await KeycardProcess.RunAsync(null, "tokens", "revoke", "--user", "nobody", "--database", factory.DatabasePath);

        Assert.NotEqual(0, neither);
        Assert.Contains("--user or --client", neitherError, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown);
        Assert.Contains("nobody", unknownError, StringComparison.Ordinal);
    }

    // No store cache: the CLI writes from another process, which a node sees within the cache duration.
    private static KeycardFactory NewFactory()
    {
        var factory = new KeycardFactory();
        factory.Settings["Keycard:Cache:Duration"] = "00:00:00";
        return factory;
    }
}
