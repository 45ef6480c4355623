using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Cli;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Issue 12 items 6 and 8: the plain-http refusal holds whatever configured the addresses (RFC 6749 §10.9,
/// RFC 9700 §4.1), and the issuer never follows the Host header (RFC 8414 §2, §3.3; RFC 9207 §2.4).
/// 192.0.2.10 (TEST-NET-1) is no address of this machine, so no test here can listen publicly.
/// </summary>
public sealed class ListenAddressTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-tests", Guid.NewGuid().ToString("N"));

    public ListenAddressTests() => Directory.CreateDirectory(_folder);

    private string Db => Path.Combine(_folder, "k.db");

    [Theory]
    [InlineData("--Kestrel:Endpoints:Http:Url=http://192.0.2.10:5999")]
    public async Task Serve_KestrelEndpointOverrideOnPlainHttp_IsRefused(string kestrel)
    {
        var (code, _, error) = await KeycardProcess.RunAsync(null, "serve", "--urls", "http://127.0.0.1:0", "--database", Db, kestrel);

        Assert.Equal(2, code);
        Assert.Contains("refusing to serve OAuth over plain http", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task Serve_PublicAddressWithoutIssuer_IsRefusedNamingTheSetting()
    {
        var (code, _, error) = await KeycardProcess.RunAsync(null, "serve", "--urls", "http://192.0.2.10:5999", "--behind-proxy", "--database", Db);

        Assert.Equal(2, code);
        Assert.Contains("Keycard:Issuer", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Theory]
    [InlineData("http://[::]:5000", true)]
    [InlineData("http://0.0.0.0:5000", true)]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://localhost:5000", false)]
    public void FindProblem_BoundAddresses_RefusesPlainHttpOffLoopback(string bound, bool refused)
    {
        // The server reports what it bound in IServerAddressesFeature in these shapes.
        var problem = ListenAddresses.FindProblem([bound], behindProxy: false, issuer: "https://auth.example.com");

        Assert.Equal(refused, problem is not null);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("https://[::1]:5001; http://localhost:5000/", true)]
    [InlineData("http://*:5000", true)]
    [InlineData("http://+:5000", true)]
    [InlineData("5057", false)]
    [InlineData("127.0.0.1:5000", false)]
    [InlineData("ftp://127.0.0.1:21", false)]
    [InlineData("http://127.0.0.1:99999", false)]
    [InlineData("http://127.0.0.1:port", false)]
    [InlineData("http://:5000", false)]
    public void FindMalformed_UrlsValue_AcceptsWhatKestrelBindsOverHttp(string urls, bool accepted)
    {
        var problem = ListenAddresses.FindMalformed(urls);

        Assert.True(accepted == (problem is null), problem);
    }

    [Theory]
    [InlineData("http://[::1]:5000", false)]
    [InlineData("http://localhost", false)]
    [InlineData("http://192.0.2.10", true)]
    [InlineData("http://*:5000", true)]
    public void FindInsecure_PlainHttp_OnlyLoopbackPasses(string url, bool refused)
    {
        Assert.Equal(refused, ListenAddresses.FindInsecure([url], behindProxy: false) is not null);
    }

    [Fact]
    public async Task Metadata_HostHeaderOfAnotherSite_DoesNotChangeTheIssuer()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Host = new HostString("evil.example");
            c.Request.Path = "/.well-known/oauth-authorization-server";
        });
        var body = await JsonDocument.ParseAsync(context.Response.Body);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        var issuer = body.RootElement.GetProperty("issuer").GetString()!;
        Assert.DoesNotContain("evil.example", issuer, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", body.RootElement.GetProperty("token_endpoint").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_HostHeaderOfAnotherSite_IssInRedirectIsNotIt()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var browser = LoginPageClient.Create(factory, "http://evil.example");

        using var redirect = await browser.SignInAsync(LoginPageClient.DefaultQuery());
        using var authorize = await browser.Http.GetAsync(OAuthForms.AuthorizeUrl());

        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        Assert.DoesNotContain("evil.example", authorize.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_HostOnTheAllowList_DerivesTheIssuer()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:IssuerHosts:0"] = "auth.example.com";
        await factory.SeedAsync();
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://auth.example.com") });

        var body = JsonDocument.Parse(await client.GetStringAsync("/.well-known/oauth-authorization-server"));

        Assert.Equal("https://auth.example.com", body.RootElement.GetProperty("issuer").GetString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
