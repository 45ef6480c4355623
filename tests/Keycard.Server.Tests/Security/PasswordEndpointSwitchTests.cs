using System.Net;
using Keycard.Core.Storage;
using Keycard.Server.Cli;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Security;

/// <summary>RFC 9700 §2.4: the direct username/password code endpoint is on by default and can be switched off per client or globally.</summary>
public sealed class PasswordEndpointSwitchTests
{
    [Fact]
    public async Task Auth_ByDefault_IssuesCode()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());

        using var response = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Auth_ClientWithEndpointDisabled_IsUnauthorizedClientWithoutCheckingThePassword()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        await factory.AddClientAsync(KeycardFactory.NewClient("nopassword") with { AllowPasswordCodeEndpoint = false });
        var api = new IOfficeClient(factory.CreateClient());

        using var right = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, "nopassword");
        for (var i = 0; i < 6; i++)
        {
            using var wrong = await api.AuthAsync(KeycardFactory.UserName, "wrong password", "nopassword");
            await ResponseAssert.ErrorAsync(wrong, HttpStatusCode.BadRequest, "unauthorized_client");
        }

        await ResponseAssert.ErrorAsync(right, HttpStatusCode.BadRequest, "unauthorized_client");

        // The refused attempts never reached the password check, so they did not count against the account.
        using var other = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Auth_DisabledGlobally_IsUnauthorizedClientAndLoginPageStillWorks()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:PasswordCodeEndpointEnabled"] = "false";
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());

        using var response = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, KeycardFactory.PublicClientId);
        using var page = await LoginPageClient.Create(factory).SignInAsync(LoginPageClient.DefaultQuery());

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
        Assert.Equal(HttpStatusCode.SeeOther, page.StatusCode);
    }

    [Fact]
    public async Task Cli_ClientAddWithNoPasswordEndpoint_RegistersClientWithEndpointDisabled()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        var exit = await KeycardCli.Create()
            .Parse(["client", "add", "cli-app", "--redirect-uri", KeycardFactory.RedirectUri, "--no-password-endpoint", "--database", factory.DatabasePath])
            .InvokeAsync();

        Assert.Equal(0, exit);
        var client = await factory.WithScopeAsync(sp => sp.GetRequiredService<IClientStore>().FindAsync("cli-app", CancellationToken.None));
        Assert.False(client!.AllowPasswordCodeEndpoint);
        var api = new IOfficeClient(factory.CreateClient());
        using var response = await api.AuthAsync(KeycardFactory.UserName, KeycardFactory.Password, "cli-app");
        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }
}
