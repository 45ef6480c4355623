using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Clients;

/// <summary>The registration rules every way of adding a client shares (RFC 6749 §2, RFC 9700 §2.1).</summary>
public sealed class ClientRegistrationTests
{
    private readonly CoreHarness _core = new();

    private ClientRegistration Registration => new(_core.Clients, _core.Time);

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("slash/id")]
    public async Task Register_UnsafeClientId_IsRefused(string clientId)
    {
        var (registered, problem) = await Registration.RegisterAsync(Request() with { ClientId = clientId }, CancellationToken.None);

        Assert.Null(registered);
        Assert.Equal(ClientRegistrationField.ClientId, problem?.Field);
    }

    [Theory]
    [InlineData("http://evil.example.com/cb")]
    [InlineData("https://a.example.com/cb#frag")]
    [InlineData("javascript:alert(1)")]
    public async Task Register_RedirectUriThatCannotBeMatchedSafely_IsRefusedNamingIt(string uri)
    {
        var (_, problem) = await Registration.RegisterAsync(Request() with { RedirectUris = [uri] }, CancellationToken.None);

        Assert.Equal(ClientRegistrationField.RedirectUri, problem?.Field);
        Assert.Equal(uri, problem?.Value);
    }

    [Fact]
    public async Task Register_NoRedirectUriAndNoClientCredentials_IsRefused()
    {
        var (_, problem) = await Registration.RegisterAsync(Request() with { RedirectUris = [] }, CancellationToken.None);

        Assert.Equal(ClientRegistrationField.RedirectUri, problem?.Field);
    }

    [Fact]
    public void Validate_ClientCredentialsForAPublicClient_IsRefused()
    {
        // RFC 6749 §4.4: the client credentials grant is for confidential clients only.
        var problem = ClientRegistration.Validate(Request() with { AllowClientCredentials = true });

        Assert.Equal(ClientRegistrationField.ClientCredentials, problem?.Field);
    }

    [Fact]
    public void Validate_ImportedSecretForAPublicClient_IsRefusedBeforeTheSecretIsRead()
    {
        var problem = ClientRegistration.Validate(Request() with { ImportsSecret = true });

        Assert.Equal(ClientRegistrationField.Secret, problem?.Field);
    }

    [Fact]
    public async Task Register_Confidential_GeneratesASecretStoredOnlyAsItsHash()
    {
        var (registered, problem) = await Registration.RegisterAsync(Request() with { IsConfidential = true }, CancellationToken.None);

        Assert.Null(problem);
        Assert.NotNull(registered!.GeneratedSecret);
        var stored = await _core.Clients.FindAsync("new", CancellationToken.None);
        Assert.Equal(SecureToken.Hash(registered.GeneratedSecret), stored!.SecretHash);
        Assert.Equal("new", stored.Name);
        Assert.Equal("new", stored.AppCode);
        Assert.Equal(_core.Time.GetUtcNow(), stored.CreatedAt);
    }

    [Fact]
    public async Task Register_WeakImportedSecret_IsRefusedAndNothingIsStored()
    {
        var request = Request() with { IsConfidential = true, ImportsSecret = true, ImportedSecret = new string('a', 40) };

        var (_, problem) = await Registration.RegisterAsync(request, CancellationToken.None);

        Assert.Equal(ClientRegistrationField.Secret, problem?.Field);
        Assert.Null(await _core.Clients.FindAsync("new", CancellationToken.None));
    }

    [Fact]
    public async Task Register_StrongImportedSecret_IsStoredAsItsHashAndNotShownAgain()
    {
        var secret = SecureToken.Generate();

        var (registered, _) = await Registration.RegisterAsync(Request() with { IsConfidential = true, ImportsSecret = true, ImportedSecret = secret }, CancellationToken.None);

        Assert.Null(registered!.GeneratedSecret);
        Assert.Equal(SecureToken.Hash(secret), registered.Client.SecretHash);
    }

    [Fact]
    public async Task Register_ExistingClientId_IsRefused()
    {
        var (_, problem) = await Registration.RegisterAsync(Request() with { ClientId = CoreHarness.PublicClientId }, CancellationToken.None);

        Assert.Equal(ClientRegistrationField.ClientId, problem?.Field);
    }

    private static ClientRegistrationRequest Request() => new()
    {
        ClientId = "new",
        RedirectUris = [CoreHarness.RedirectUri],
    };

    [Theory]
    [InlineData("http://app.example.com/bye")]
    [InlineData("https://app.example.com/bye#top")]
    [InlineData("/bye")]
    public void Validate_BadPostLogoutRedirectUri_IsRefusedLikeARedirectUri(string uri)
    {
        // RP-Initiated Logout §3: registered like redirect URIs (absolute, no fragment, https except loopback).
        var problem = ClientRegistration.Validate(Request() with { PostLogoutRedirectUris = [uri] });

        Assert.Equal(ClientRegistrationField.PostLogoutRedirectUri, problem?.Field);
    }

    [Fact]
    public async Task Register_PostLogoutRedirectUris_AreStoredOnTheClient()
    {
        var (registered, _) = await Registration.RegisterAsync(Request() with { PostLogoutRedirectUris = ["https://app.example.com/bye", "http://127.0.0.1:8080/bye"] }, CancellationToken.None);

        Assert.Equal(["https://app.example.com/bye", "http://127.0.0.1:8080/bye"], registered!.Client.PostLogoutRedirectUris);
    }
}
