using System.Net;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// On a real Kestrel socket (which, unlike the in-memory test server, refuses header values outside the HTTP field
/// grammar): every error description Keycard puts in WWW-Authenticate reaches the client (RFC 6750 §3).
/// </summary>
public sealed class ErrorDescriptionHeaderTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await _factory.SeedAsync();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(address) };
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("x-access-token")]
    [InlineData("Authorization")]
    public async Task UsersMe_TokenSentTwoWaysOverKestrel_Is400InvalidRequestWithAValidChallenge(string second)
    {
        // RFC 6750 §2: more than one method is invalid_request (400), and its description must fit the header.
        var tokens = await new IOfficeClient(_http).SignInAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/external/api/rest/v2/users/me?access_token=" + tokens.AccessToken);
        request.Headers.TryAddWithoutValidation(second, second == "Authorization" ? "Bearer " + tokens.AccessToken : tokens.AccessToken);

        using var response = await _http.SendAsync(request);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate).ToString();
        Assert.Contains("error=\"invalid_request\"", challenge, StringComparison.Ordinal);
        Assert.Empty(ErrorDescriptions.FindInvalid(null, "", [challenge], null));
    }
}
