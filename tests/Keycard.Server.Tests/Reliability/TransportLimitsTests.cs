using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Tests.Reliability;

/// <summary>
/// Issue 14 item 2: Kestrel's limits match what the request guard accepts, connections are capped, and
/// Kestrel:Limits:* from configuration overrides them (it used to be ignored: the code set its limits after binding).
/// </summary>
public sealed class TransportLimitsTests
{
    [Fact]
    public void Limits_Default_MatchWhatTheRequestGuardAcceptsAndCapConnections()
    {
        using var factory = new KeycardFactory();

        var limits = Limits(factory);

        // A header a little over the guard's 8 KiB still reaches it (and its 400 with an error code); 4 MiB does not.
        Assert.InRange(limits.MaxRequestLineSize, Http.RequestGuardMiddleware.MaxQueryLength + 1024, 64 * 1024);
        Assert.InRange(limits.MaxRequestHeadersTotalSize, Http.RequestGuardMiddleware.MaxCookieLength + 1024, 128 * 1024);
        Assert.NotNull(limits.MaxConcurrentConnections);
    }

    [Fact]
    public void Limits_KestrelLimitsInConfiguration_OverrideTheDefaults()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Kestrel:Limits:MaxRequestLineSize"] = "12345";
        factory.Settings["Kestrel:Limits:MaxConcurrentConnections"] = "77";

        var limits = Limits(factory);

        Assert.Equal(12345, limits.MaxRequestLineSize);
        Assert.Equal(77, limits.MaxConcurrentConnections);
    }

    private static KestrelServerLimits Limits(KeycardFactory factory) =>
        factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
}
