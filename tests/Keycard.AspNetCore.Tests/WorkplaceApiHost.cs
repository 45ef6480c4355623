using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.AspNetCore.Tests;

/// <summary>
/// samples/WorkplaceApi, unchanged, on a real 127.0.0.1 socket, configured for the given Keycard. It counts the
/// introspection requests Keycard.AspNetCore sends (a handler on its own HTTP client), so a test can prove a token was
/// checked without asking Keycard.
/// </summary>
public sealed class WorkplaceApiHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> _settings;
    private int _introspections;

    private WorkplaceApiHost(Dictionary<string, string> settings) => _settings = settings;

    public string BaseUrl { get; private set; } = "";

    /// <summary>How many requests the API sent to Keycard's <c>/oauth2/introspect</c>.</summary>
    public int IntrospectionRequests => Volatile.Read(ref _introspections);

    /// <param name="settings">More <c>Keycard:</c> settings, replacing the defaults (e.g. <c>Keycard:Resource</c>).</param>
    public static WorkplaceApiHost Start(KeycardServer keycard, TimeSpan? cacheDuration = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Keycard:Authority"] = keycard.BaseUrl,
            ["Keycard:ClientId"] = KeycardServer.ApiClientId,
            ["Keycard:ClientSecret"] = keycard.ApiClientSecret,
            ["Keycard:Audience"] = "workplaces",
            ["Keycard:RequireHttpsMetadata"] = "false",
            ["Keycard:IntrospectionCacheDuration"] = (cacheDuration ?? TimeSpan.FromSeconds(1)).ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var host = new WorkplaceApiHost(all);
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

        builder.ConfigureServices(services => services.AddHttpClient(KeycardIntrospector.HttpClientName)
            .AddHttpMessageHandler(() => new CountingHandler(this)));
    }

    private sealed class CountingHandler(WorkplaceApiHost host) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/oauth2/introspect", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref host._introspections);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
