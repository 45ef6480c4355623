using System.Diagnostics;
using System.Net;
using Keycard.Server.Cli;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// TLS everywhere but loopback (RFC 6749 §10.9, RFC 9700 §4.1), HSTS (RFC 6797), and X-Forwarded-* believed only
/// from the proxies the operator named.
/// </summary>
public sealed class TransportSecurityTests
{
    [Theory]
    [InlineData("http://0.0.0.0:5000", "http://0.0.0.0:5000")]
    [InlineData("http://keycard.example.com:80", "http://keycard.example.com:80")]
    [InlineData("http://[::]:5000", "http://[::]:5000")]
    [InlineData("http://127.0.0.1:5000;http://10.0.0.5:80", "http://10.0.0.5:80")]
    [InlineData("http://127.0.0.1:5000", null)]
    [InlineData("http://localhost:5000", null)]
    [InlineData("http://[::1]:5000", null)]
    [InlineData("https://0.0.0.0:5001", null)]
    public void FindInsecureUrl_Urls_FindsPlainHttpOutsideLoopback(string urls, string? expected)
    {
        Assert.Equal(expected, ServeCommand.FindInsecureUrl(new ServeOptions { Urls = urls }));
    }

    [Fact]
    public void FindInsecureUrl_BehindProxy_AllowsPlainHttp()
    {
        Assert.Null(ServeCommand.FindInsecureUrl(new ServeOptions { Urls = "http://0.0.0.0:5000", BehindProxy = true }));
    }

    [Fact]
    public async Task Serve_PlainHttpOnPublicAddress_ProcessExitsWithCode2()
    {
        // 192.0.2.10 (TEST-NET-1) is no address of this machine: even a broken check could not listen publicly.
        var folder = Path.Combine(Path.GetTempPath(), "keycard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "keycard.dll"), "serve", "--urls", "http://192.0.2.10:5999", "--database", Path.Combine(folder, "k.db") })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            Assert.Equal(2, process.ExitCode);
            Assert.Contains("refusing to serve OAuth over plain http", await stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "k.db")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Hsts_OverHttpsOnPublicHost_IsSent()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var https = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://keycard.example.com") });
        var http = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://keycard.example.com") });

        using var secure = await https.GetAsync("/login.html?" + LoginPageClient.DefaultQuery());
        using var plain = await http.GetAsync("/healthz");

        Assert.StartsWith("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ForwardedHeaders_WithoutBehindProxy_AreIgnored()
    {
        using var factory = await new KeycardFactory().SeedAsync();

        var context = await factory.Server.SendAsync(c => Forwarded(c, "127.0.0.1"));

        Assert.False(context.Response.Headers.ContainsKey("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ForwardedHeaders_BehindProxy_HonouredOnlyFromKnownProxy()
    {
        using var factory = new KeycardFactory();
        factory.Settings["behind-proxy"] = "true";
        factory.Settings["known-proxy"] = "10.1.2.3";
        await factory.SeedAsync();

        var fromProxy = await factory.Server.SendAsync(c => Forwarded(c, "10.1.2.3"));
        var fromStranger = await factory.Server.SendAsync(c => Forwarded(c, "198.51.100.7"));

        // X-Forwarded-Proto: https made the request https, which is when HSTS is sent.
        Assert.True(fromProxy.Response.Headers.ContainsKey("Strict-Transport-Security"));
        Assert.False(fromStranger.Response.Headers.ContainsKey("Strict-Transport-Security"));
    }

    private static void Forwarded(HttpContext context, string remote)
    {
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Scheme = "http";
        context.Request.Method = HttpMethods.Get;
        context.Request.Host = new HostString("keycard.example.com");
        context.Request.Path = "/healthz";
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        context.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
    }
}
