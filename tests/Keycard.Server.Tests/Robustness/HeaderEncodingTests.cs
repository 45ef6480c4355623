using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Robustness;

/// <summary>
/// Header values as bytes, on a real Kestrel socket (the in-memory test server takes header values as strings and never
/// decodes bytes). A browser's XHR or fetch sends each header value as the Latin-1 bytes of the string (Fetch's byte
/// strings), so a password with "é" arrives as the single byte 0xE9; other clients send UTF-8 (0xC3 0xA9).
/// </summary>
public sealed class HeaderEncodingTests : IAsyncLifetime
{
    private const string UserName = "rene";
    private const string Password = "mot de passe é";

    private readonly KeycardFactory _factory = new();
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await _factory.SeedAsync();
        var (_, errors) = await _factory.WithScopeAsync(sp => sp.GetRequiredService<UserAdministration>()
            .AddAsync(UserName, "rene@example.com", "René", "Laforgue", Password));
        Assert.Empty(errors);
        _address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("iso-8859-1")]
    public async Task PasswordCode_AccentedPasswordInEitherEncoding_SignsIn(string encoding)
    {
        var password = Encoding.GetEncoding(encoding).GetBytes(Password);

        var (status, body) = await PostAuthAsync(password);

        Assert.Equal(200, status);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!.Length >= 43);
    }

    [Fact]
    public async Task PasswordCode_Utf8AndLatin1Bytes_AreTheSamePassword()
    {
        // The Latin-1 form of the password is not valid UTF-8, so it is read as Latin-1: both are "mot de passe é".
        var (utf8, _) = await PostAuthAsync(Encoding.UTF8.GetBytes(Password));
        var (latin1, _) = await PostAuthAsync(Encoding.Latin1.GetBytes(Password));
        var (wrong, _) = await PostAuthAsync(Encoding.Latin1.GetBytes("mot de passe è"));

        Assert.Equal((200, 200, 400), (utf8, latin1, wrong));
    }

    [Theory]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
    [InlineData(new byte[] { 0x80, 0x9F })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0x61, 0x00, 0x62 })]
    [InlineData(new byte[] { 0x7F })]
    public async Task PasswordCode_InvalidByteSequence_IsAClientErrorNever500(byte[] bytes)
    {
        var (status, body) = await PostAuthAsync(bytes);

        Assert.InRange(status, 400, 499);
        if (body.Length > 0)
        {
            Assert.DoesNotContain("server_error", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnreadHeader_Latin1Byte_DoesNotFailTheRequest()
    {
        // RFC 9110 §5.5: octets outside ASCII (obs-text) in a field Keycard does not read are opaque, not an error.
        var (status, _) = await SendAsync("GET /.well-known/openid-configuration HTTP/1.0\r\n", "x-comment: caf"u8.ToArray().Concat(new byte[] { 0xE9 }).ToArray());

        Assert.Equal(200, status);
    }

    private Task<(int Status, string Body)> PostAuthAsync(byte[] password)
    {
        var headers = new List<byte>();
        headers.AddRange(Encoding.ASCII.GetBytes($"x-auth-username: {UserName}\r\nx-client-id: {KeycardFactory.PublicClientId}\r\nx-auth-password: "));
        headers.AddRange(password);
        return SendAsync("POST /external/api/oauth2/auth HTTP/1.0\r\n", [.. headers]);
    }

    /// <summary>One HTTP/1.0 request (so the body is not chunked) on a fresh connection, its header block written byte for byte; the status and body read back.</summary>
    private async Task<(int Status, string Body)> SendAsync(string requestLine, byte[] header)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port);
        await using var stream = tcp.GetStream();
        var request = new List<byte>();
        request.AddRange(Encoding.ASCII.GetBytes(requestLine + $"Host: {_address.Authority}\r\nContent-Length: 0\r\nConnection: close\r\n"));
        request.AddRange(header);
        request.AddRange("\r\n\r\n"u8.ToArray());
        await stream.WriteAsync(request.ToArray());

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        return (status, response[bodyStart..]);
    }
}
