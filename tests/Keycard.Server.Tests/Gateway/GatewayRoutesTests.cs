using Keycard.Server.Gateway;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Tests.Gateway;

/// <summary>Route configuration is checked when the server starts, naming the setting that is wrong.</summary>
public sealed class GatewayRoutesTests
{
    private static GatewayOptions One(string prefix, string upstream) => new()
    {
        Routes = { ["orders"] = new GatewayRouteOptions { PathPrefix = prefix, Upstream = upstream } },
    };

    [Theory]
    [InlineData("external/api", "http://orders.internal")]
    [InlineData("/external/../admin", "http://orders.internal")]
    [InlineData("/external/%2e", "http://orders.internal")]
    [InlineData("/external/{id}", "http://orders.internal")]
    [InlineData("/external/api", "orders.internal")]
    [InlineData("/external/api", "file:///etc/passwd")]
    [InlineData("/external/api", "http://orders.internal/?a=b")]
    public void Effective_InvalidRoute_ThrowsNamingTheSetting(string prefix, string upstream)
    {
        var error = Assert.Throws<OptionsValidationException>(() => GatewayRoutes.Effective(One(prefix, upstream)));

        Assert.Contains("Keycard:Gateway:Routes:orders:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Effective_UpstreamSetting_AddsTheDefaultPrefixRouteUnlessOneIsNamedSo()
    {
        var options = One("/external/api/rest/v2/orders/", "http://orders.internal");
        options.Upstream = "http://api.internal";

        var routes = GatewayRoutes.Effective(options);

        Assert.Equal("/external/api/rest/v2/orders", routes["orders"].PathPrefix);
        Assert.Equal(GatewayOptions.DefaultPrefix, routes[GatewayOptions.UpstreamRouteName].PathPrefix);
        Assert.Equal("http://api.internal", routes[GatewayOptions.UpstreamRouteName].Upstream);
    }
}
