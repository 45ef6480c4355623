using Keycard.Core.Tokens;
using Keycard.Core.Tokens.Grants;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Tokens;

/// <summary>
/// The token endpoint's handlers are keyed by grant type and created only for a request that names theirs (issue 11):
/// each key must give the handler of that very grant type (RFC 6749 §4), and the endpoint must offer exactly those.
/// </summary>
public sealed class GrantHandlerRegistrationTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();

    public async Task InitializeAsync() => await _factory.SeedAsync();

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void KeyedHandlers_EachGrantType_ResolveTheHandlerOfThatGrantType()
    {
        using var scope = _factory.Services.CreateScope();

        var service = scope.ServiceProvider.GetRequiredService<TokenService>();

        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], service.SupportedGrantTypes.Order(StringComparer.Ordinal));
        Assert.All(service.SupportedGrantTypes, grantType =>
            Assert.Equal(grantType, scope.ServiceProvider.GetRequiredKeyedService<IGrantHandler>(grantType).GrantType));
    }
}
