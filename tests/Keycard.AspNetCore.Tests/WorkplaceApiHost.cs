using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.AspNetCore.Tests;

/// <summary>samples/WorkplaceApi, unchanged, on a real 127.0.0.1 socket, configured for the given Keycard.</summary>
public sealed class WorkplaceApiHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> _settings;

    private WorkplaceApiHost(Dictionary<string, string> settings) => _settings = settings;

    public string BaseUrl { get; private set; } = "";

    public static WorkplaceApiHost Start(KeycardServer keycard, TimeSpan? cacheDuration = null)
    {
        var host = new WorkplaceApiHost(new()
        {
            ["Keycard:Authority"] = keycard.BaseUrl,
            ["Keycard:ClientId"] = KeycardServer.ApiClientId,
            ["Keycard:ClientSecret"] = keycard.ApiClientSecret,
            ["Keycard:Audience"] = "workplaces",
            ["Keycard:RequireHttpsMetadata"] = "false",
            ["Keycard:IntrospectionCacheDuration"] = (cacheDuration ?? TimeSpan.FromSeconds(1)).ToString(),
        });
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        host.BaseUrl = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
