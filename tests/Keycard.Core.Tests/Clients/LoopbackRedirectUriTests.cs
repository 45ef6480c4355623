using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Clients;

/// <summary>
/// RFC 8252 §7.3 and RFC 9700 §2.1: the one exception to exact redirect URI matching, a loopback redirect URI of a
/// native app on whatever port it listens on at the time of the request.
/// </summary>
public sealed class LoopbackRedirectUriTests
{
    private static Client ClientWith(params string[] redirectUris) =>
        new() { ClientId = "cli", Name = "CLI", AppCode = "cli", RedirectUris = redirectUris };

    [Theory]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:51004/callback")]
    [InlineData("http://127.0.0.1:5000/callback", "http://127.0.0.1:5001/callback")]
    [InlineData("http://127.0.0.1:5000/callback", "http://127.0.0.1/callback")]
    [InlineData("http://[::1]/callback", "http://[::1]:65535/callback")]
    [InlineData("http://localhost/callback?x=1", "http://localhost:8080/callback?x=1")]
    [InlineData("http://127.0.0.1", "http://127.0.0.1:8080")]
    public void IsRegistered_LoopbackOnAnyPort_IsTrue(string registered, string requested)
    {
        // RFC 8252 §7.3: "The authorization server MUST allow any port to be specified at the time of the request".
        Assert.True(RedirectUriRules.IsRegistered(ClientWith(registered), requested, anyLoopbackPort: true));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/callback", "http://127.0.0.1:5001/other")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:8080/callback?x=1")]
    [InlineData("http://127.0.0.1/callback", "http://localhost:8080/callback")]
    [InlineData("http://127.0.0.1/callback", "https://127.0.0.1:8080/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:0/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:65536/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:80a/callback")]
    [InlineData("http://127.0.0.1/callback", "http://user@127.0.0.1:8080/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1.evil.example:8080/callback")]
    [InlineData("https://app.example.com/callback", "https://app.example.com:8443/callback")]
    public void IsRegistered_AnythingButThePort_StillMatchesExactly(string registered, string requested)
    {
        // RFC 9700 §4.1.3: only the port of a loopback URI may differ; path, query, host and scheme are compared as strings.
        Assert.False(RedirectUriRules.IsRegistered(ClientWith(registered), requested, anyLoopbackPort: true));
    }

    [Fact]
    public async Task Validate_StandardPolicyLoopbackOnAnotherPort_IsValid()
    {
        var validation = await ValidateLoopbackAsync(AuthorizationPolicy.Standard);

        Assert.True(validation.IsValid);
        Assert.Equal("http://127.0.0.1:51004/callback", validation.RedirectUri);
    }

    [Fact]
    public async Task Validate_IOfficePolicyLoopbackOnAnotherPort_IsNotRedirected()
    {
        // The guide's login page keeps its exact match.
        var validation = await ValidateLoopbackAsync(AuthorizationPolicy.IOffice);

        Assert.False(validation.IsValid);
        Assert.False(validation.CanRedirect);
    }

    private static Task<AuthorizationValidation> ValidateLoopbackAsync(AuthorizationPolicy policy)
    {
        var validator = new AuthorizationValidator(new InMemoryClientStore(ClientWith("http://127.0.0.1/callback")));
        var request = new AuthorizationRequest
        {
            ResponseType = "code",
            ClientId = "cli",
            RedirectUri = "http://127.0.0.1:51004/callback",
            Scope = "openid",
            State = "xyz",
            CodeChallenge = Keycard.Core.Security.Pkce.ComputeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            CodeChallengeMethod = "S256",
        };
        return validator.ValidateAsync(request, policy, CancellationToken.None);
    }
}
