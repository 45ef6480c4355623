using System.Net;
using System.Net.Sockets;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Gateway;

/// <summary>
/// Keycard on a real Kestrel socket in gateway mode in front of a <see cref="RecordingUpstream"/>, with a fake clock:
/// <list type="bullet">
/// <item><c>orders</c>: scope <c>email</c>, POST needs <c>orders.write</c>, identity headers on, upstream base /v1/orders.</item>
/// <item><c>slow</c>: a 1 s timeout; <c>down</c>: an upstream port nobody listens on; <c>limited</c>: 3 requests a second per client;
/// <c>upload</c>: bodies up to 200 MB.</item>
/// <item>everything else under /external/api/rest/v2 goes to the upstream's /root (the <c>--upstream</c> route).</item>
/// </list>
/// </summary>
public abstract class GatewayTestBase : IAsyncLifetime
{
    public const string Prefix = "/external/api/rest/v2";

    protected KeycardFactory Factory { get; } = new() { Logs = new CapturingLoggerProvider() };

    protected RecordingUpstream Upstream { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    protected IOfficeClient Client { get; private set; } = null!;

    protected string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Upstream = await RecordingUpstream.StartAsync();
        var settings = Factory.Settings;
        settings["Keycard:Gateway:Upstream"] = Upstream.BaseUrl + "/root";
        Route(settings, "orders", "/orders", "/v1/orders");
        settings["Keycard:Gateway:Routes:orders:Scope"] = "email";
        settings["Keycard:Gateway:Routes:orders:MethodScopes:POST"] = "orders.write";
        settings["Keycard:Gateway:Routes:orders:ForwardIdentity"] = "true";
        Route(settings, "slow", "/slow", "");
        settings["Keycard:Gateway:Routes:slow:Timeout"] = "00:00:01";
        Route(settings, "down", "/down", "", "http://127.0.0.1:" + UnusedPort());
        Route(settings, "limited", "/limited", "/limited");
        settings["Keycard:Gateway:Routes:limited:RequestsPerSecond"] = "3";
        Route(settings, "upload", "/upload", "/upload");
        settings["Keycard:Gateway:Routes:upload:MaxRequestBodySize"] = (200L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await Factory.SeedAsync();
        BaseUrl = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromMinutes(2),
        };
        Client = new IOfficeClient(Http);
    }

    private void Route(Dictionary<string, string?> settings, string name, string prefix, string upstreamPath, string? upstream = null)
    {
        settings[$"Keycard:Gateway:Routes:{name}:PathPrefix"] = Prefix + prefix;
        settings[$"Keycard:Gateway:Routes:{name}:Upstream"] = (upstream ?? Upstream.BaseUrl) + upstreamPath;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Signs alice in through the guide's password flow with the given scope.</summary>
    protected async Task<TokenSet> SignInAsync(string scope = "email")
    {
        var code = await Client.GetCodeAsync();
        using var response = await Client.ExchangeAsync(code, scope: scope);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TokenSet.ReadAsync(response);
    }

    /// <summary>A request to <paramref name="path"/> carrying the token the given way (header, query or bearer).</summary>
    protected static HttpRequestMessage Request(HttpMethod method, string path, string? token, string transport = "header")
    {
        var request = new HttpRequestMessage(method, transport == "query" && token is not null
            ? path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(token)
            : path);
        if (token is not null && transport == "header")
        {
            request.Headers.Add("x-access-token", token);
        }
        else if (token is not null && transport == "bearer")
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    protected async Task<HttpResponseMessage> GetAsync(string path, string? token, string transport = "header")
    {
        using var request = Request(HttpMethod.Get, path, token, transport);
        return await Http.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Factory.Dispose();
        await Upstream.DisposeAsync();
    }
}
