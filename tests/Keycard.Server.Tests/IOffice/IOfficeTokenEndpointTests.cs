using System.Net;
using System.Net.Http.Json;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

/// <summary>What only the iOFFICE token endpoint does; the rules both dialects share are in <see cref="Contracts.TokenEndpointContract{TDialect}"/>.</summary>
public sealed class IOfficeTokenEndpointTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    private IOfficeClient _client = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _client = new IOfficeClient(_factory.CreateClient());
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Exchange_RequestWithJsonBody_IsAccepted()
    {
        var code = await _client.GetCodeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/token")
        {
            Content = JsonContent.Create(new { ignored = true }),
        };
        request.Headers.Add("x-grant-type", "authorization_code");
        request.Headers.Add("x-redirect-uri", KeycardFactory.RedirectUri);
        request.Headers.Add("x-client-id", KeycardFactory.PublicClientId);
        request.Headers.Add("x-scope", "email");
        request.Headers.Add("x-auth-code", code);

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
