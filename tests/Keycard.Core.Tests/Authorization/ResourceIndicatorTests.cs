using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Tests.Authorization;

/// <summary>RFC 8707 §2 on the authorization request: a registered resource binds the code, anything else is invalid_target.</summary>
public sealed class ResourceIndicatorTests
{
    private const string Api = "https://api.example.com/";

    private readonly CoreHarness _core = new();
    private readonly AuthorizationService _service;

    public ResourceIndicatorTests()
    {
        _core.Clients.AddAsync(
            new Client { ClientId = "api-app", Name = "API app", AppCode = "api-app", RedirectUris = [CoreHarness.RedirectUri], Resources = [Api], IsConfidential = true, SecretHash = SecureToken.Hash(_core.Secret) },
            CancellationToken.None).GetAwaiter().GetResult();
        _service = new AuthorizationService(
            new AuthorizationValidator(_core.Clients), _core.ClientAuthenticator, _core.SignIn, _core.Codes, new InMemoryUserDirectory(), Options.Create(_core.Protocol), _core.Time,
            new InMemorySignInSessionStore(), new IdTokenHintReader(_core.SigningKeys), _core.Consent);
    }

    private static AuthorizationRequest Request(string? resource) => new()
    {
        ResponseType = "code",
        ClientId = "api-app",
        RedirectUri = CoreHarness.RedirectUri,
        Scope = "email",
        State = "xyz",
        Resource = resource,
    };

    [Theory]
    [InlineData("https://elsewhere.example.com/")]
    [InlineData("https://api.example.com/#fragment")]
    [InlineData("relative")]
    public async Task Validate_ResourceNotRegistered_IsInvalidTargetRedirectedToTheClient(string resource)
    {
        var validation = await _service.ValidateAsync(Request(resource), AuthorizationPolicy.Standard, CancellationToken.None);

        // RFC 8707 §2: invalid_target, as an error response to the client (RFC 6749 §4.1.2.1).
        Assert.Equal(OAuthErrorCodes.InvalidTarget, validation.Error?.Code);
        Assert.Equal("resource", validation.Parameter);
        Assert.True(validation.CanRedirect);
    }

    [Fact]
    public async Task SignIn_RegisteredResource_BindsTheCodeToIt()
    {
        var validation = await _service.ValidateAsync(Request(Api), AuthorizationPolicy.Standard, CancellationToken.None);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error?.Description);
        var code = await _core.Tokens.FindAsync(SecureToken.StorageKey(result.Value!.Code!.Code), CancellationToken.None);
        Assert.Equal(Api, code!.Resource);
    }

    [Fact]
    public async Task SignIn_NoResource_LeavesTheCodeUnbound()
    {
        var validation = await _service.ValidateAsync(Request(null), AuthorizationPolicy.Standard, CancellationToken.None);

        var result = await _service.SignInAsync(validation, FakeUserAuthenticator.UserName, FakeUserAuthenticator.Password, "192.0.2.1", CancellationToken.None);

        var code = await _core.Tokens.FindAsync(SecureToken.StorageKey(result.Value!.Code!.Code), CancellationToken.None);
        Assert.Null(code!.Resource);
    }
}
