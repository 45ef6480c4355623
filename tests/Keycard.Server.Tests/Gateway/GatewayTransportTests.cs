using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Gateway;

/// <summary>Paths, upstream failures, streaming, CORS and quotas on proxied routes.</summary>
public sealed class GatewayTransportTests : GatewayTestBase
{
    /// <summary>Sends a request line exactly as written (HttpClient would normalise it) and returns the status code.</summary>
    private async Task<int> SendRawAsync(string target, string token, string extra = "")
    {
        var uri = new Uri(BaseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        await using var stream = tcp.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: {uri.Authority}\r\nx-access-token: {token}\r\nConnection: close\r\n{extra}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();
        return int.Parse(statusLine!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(Prefix + "/orders/..%2F..%2Fadmin")]
    [InlineData(Prefix + "/orders/%2e%2e/admin")]
    [InlineData(Prefix + "/orders/a%5c..%5cadmin")]
    [InlineData(Prefix + "/orders/%252e%252e/admin")]
    [InlineData(Prefix + "/orders//admin")]
    [InlineData(Prefix + "/orders/./1")]
    [InlineData(Prefix + "/orders/1/../../admin")]
    [InlineData(Prefix + "/users/me/../../orders/1")]
    public async Task ProxiedRoute_AmbiguousPath_Is400AndNeverForwarded(string target)
    {
        var tokens = await SignInAsync();

        var status = await SendRawAsync(target, tokens.AccessToken);

        Assert.Equal(400, status);
        Assert.Empty(Upstream.Received);
    }

    [Theory]
    [InlineData("?q=%zz")]
    [InlineData("?q=%C3%28")]
    public async Task ProxiedRoute_MalformedQuery_Is400AndNeverForwarded(string query)
    {
        // The request guard's query checks (RFC 3986 §2.1, valid UTF-8) hold on proxied routes too; only its form
        // checks are skipped there (the body is the upstream's), and that skip must not skip the rest.
        var tokens = await SignInAsync();

        var status = await SendRawAsync(Prefix + "/orders/1" + query, tokens.AccessToken);

        Assert.Equal(400, status);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_PlainEncodedCharacter_IsForwardedBelowTheRoutesBase()
    {
        var tokens = await SignInAsync();

        var status = await SendRawAsync(Prefix + "/orders/caf%C3%A9%20au%20lait", tokens.AccessToken);

        Assert.Equal(200, status);
        Assert.Equal("/v1/orders/café au lait", Upstream.Last().Path);
    }

    [Fact]
    public async Task ProxiedRoute_PrefixMatchesWholeSegmentsOnly()
    {
        var tokens = await SignInAsync(scope: "profile");

        // "/ordersX" is not under the orders route (which needs "email"): it falls to the --upstream route.
        using var response = await GetAsync(Prefix + "/ordersX/1", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/root/ordersX/1", Upstream.Last().Path);
    }

    [Fact]
    public async Task ProxiedRoute_UpstreamDown_Is502InTheIOfficeShape()
    {
        var tokens = await SignInAsync();

        using var response = await GetAsync(Prefix + "/down/1", tokens.AccessToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.BadGateway, "upstream_unavailable");
        Assert.Contains(Factory.Logs!.Entries, e => e.Contains("Gateway route down: upstream failed", StringComparison.Ordinal));
        Assert.DoesNotContain(tokens.AccessToken, Factory.Logs!.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxiedRoute_UpstreamSlowerThanTheRoutesTimeout_Is504InTheIOfficeShape()
    {
        var tokens = await SignInAsync();

        using var response = await GetAsync(Prefix + "/slow/slow", tokens.AccessToken);

        await ResponseAssert.ErrorAsync(response, HttpStatusCode.GatewayTimeout, "upstream_timeout");
        Assert.Contains(Factory.Logs!.Entries, e => e.Contains("Gateway route slow: upstream failed (RequestTimedOut)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProxiedRoute_100MegabyteUpload_IsStreamedToTheUpstream()
    {
        var tokens = await SignInAsync();
        const long size = 100L * 1024 * 1024;
        using var request = Request(HttpMethod.Post, Prefix + "/upload/file", tokens.AccessToken);
        request.Content = new StreamContent(new ZeroStream(size));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentLength = size;

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size, Upstream.Last().BodyLength);
    }

    [Fact]
    public async Task ProxiedRoute_BodyOverTheRoutesLimit_IsRefused()
    {
        var tokens = await SignInAsync();

        // The orders route keeps the default limit of 30 MB; the declared length is refused before the body is read.
        var status = await SendRawAsync(Prefix + "/orders/1", tokens.AccessToken, "Content-Length: " + (31L * 1024 * 1024) + "\r\n");

        Assert.Equal(413, status);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task ProxiedRoute_PreflightFromARegisteredOrigin_IsAllowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, Prefix + "/orders/1");
        request.Headers.Add("Origin", KeycardFactory.Origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "x-access-token");

        using var response = await Http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal(KeycardFactory.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Empty(Upstream.Received);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task ProxiedRoute_PreflightForAnotherMethodFromARegisteredOrigin_AllowsIt(string method)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, Prefix + "/orders/1");
        request.Headers.Add("Origin", KeycardFactory.Origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "x-access-token");

        using var response = await Http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal(KeycardFactory.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods"));
        Assert.Contains(method, allowed.Split(",", StringSplitOptions.TrimEntries));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task OwnEndpoint_PreflightForPut_IsNotAllowed()
    {
        // Keycard's own users/me answers GET only; the proxied routes' wider method list does not leak onto it.
        using var request = new HttpRequestMessage(HttpMethod.Options, Prefix + "/users/me");
        request.Headers.Add("Origin", KeycardFactory.Origin);
        request.Headers.Add("Access-Control-Request-Method", "PUT");

        using var response = await Http.SendAsync(request);

        var allowed = response.Headers.TryGetValues("Access-Control-Allow-Methods", out var values) ? values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)) : [];
        Assert.DoesNotContain("PUT", allowed);
    }

    [Fact]
    public async Task ProxiedRoute_UrlEncodedBodyOver64KiB_IsStreamedToTheUpstream()
    {
        // The request guard's 64 KiB form limit is for Keycard's own endpoints; a proxied body is the upstream's.
        var tokens = await SignInAsync("email orders.write");
        var size = 1024 * 1024;
        using var request = Request(HttpMethod.Post, Prefix + "/orders/bulk", tokens.AccessToken);
        request.Content = new StringContent("data=" + new string('a', size - 5), Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size, Upstream.Last().BodyLength);
    }

    [Fact]
    public async Task OwnEndpoint_UrlEncodedBodyOver64KiB_IsStillRefused()
    {
        using var content = new StringContent("grant_type=" + new string('a', 70 * 1024), Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await Http.PostAsync("/oauth2/token", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ProxiedRoute_CallFromAnUnregisteredOrigin_GetsNoCorsHeaders()
    {
        var tokens = await SignInAsync();
        using var request = Request(HttpMethod.Get, Prefix + "/orders/1", tokens.AccessToken);
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await Http.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ProxiedRoute_CallFromARegisteredOrigin_GetsCorsHeaders()
    {
        var tokens = await SignInAsync();
        using var request = Request(HttpMethod.Get, Prefix + "/orders/1", tokens.AccessToken);
        request.Headers.Add("Origin", KeycardFactory.Origin);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KeycardFactory.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task ProxiedRoute_ClientOverItsQuota_Gets429WithRetryAfter()
    {
        var tokens = await SignInAsync();

        // The route allows 3 a second per client (a bucket of 3): 30 at once exceed it unless they spread over 9 seconds.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => GetAsync(Prefix + "/limited/1", tokens.AccessToken)));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.NotNull(limited[0].Headers.RetryAfter);
        await ResponseAssert.ErrorAsync(limited[0], HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.True(Upstream.Received.Count < 30);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    /// <summary>A body of zeros produced on the fly, so the test itself holds no 100 MB buffer.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
