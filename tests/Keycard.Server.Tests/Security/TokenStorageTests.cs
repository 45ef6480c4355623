using System.Buffers.Text;
using System.Text;
using Keycard.Core.Security;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Security;

/// <summary>RFC 9700 §4 / RFC 6749 §10.10: 256-bit random codes and tokens, and only their hashes at rest.</summary>
public sealed class TokenStorageTests : IAsyncLifetime
{
    private readonly KeycardFactory _factory = new();

    public async Task InitializeAsync() => await _factory.SeedAsync();

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Database_AfterFullFlow_HoldsNoCodeTokenOrSecretValue()
    {
        var api = new IOfficeClient(_factory.CreateClient());
        var page = LoginPageClient.Create(_factory);
        using var signIn = await page.SignInAsync(LoginPageClient.DefaultQuery());
        var pageCode = LoginPageClient.CodeFrom(signIn);
        var apiCode = await api.GetCodeAsync();
        using var exchange = await api.ExchangeAsync(pageCode);
        var tokens = await TokenSet.ReadAsync(exchange);
        using var refresh = await api.RefreshAsync(tokens.RefreshToken);
        var rotated = await TokenSet.ReadAsync(refresh);
        string[] secrets = [pageCode, apiCode, tokens.AccessToken, tokens.RefreshToken!, rotated.AccessToken, rotated.RefreshToken!, _factory.ConfidentialSecret];

        var rows = await TokenDatabase.ReadTableAsync(_factory.DatabasePath, "tokens");
        rows.AddRange(await TokenDatabase.ReadTableAsync(_factory.DatabasePath, "clients"));

        Assert.Equal(1 + 1 + 2 + 2 + 2, rows.Count);
        foreach (var secret in secrets)
        {
            var utf8 = Encoding.UTF8.GetBytes(secret);
            foreach (var value in rows.SelectMany(r => r.Values))
            {
                switch (value)
                {
                    case string text:
                        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                        break;
                    case byte[] blob:
                        Assert.False(blob.AsSpan().IndexOf(utf8) >= 0, "a stored blob holds a secret");
                        Assert.False(blob.SequenceEqual(Base64Url.DecodeFromChars(secret)), "a stored blob holds a secret's raw bytes");
                        Assert.False(blob.AsSpan().IndexOf(RandomPart(secret)) >= 0, "a stored blob holds a secret's random bytes");
                        break;
                }
            }
        }

        // And nowhere in the files either (the WAL holds recent pages before a checkpoint).
        foreach (var file in new[] { _factory.DatabasePath, _factory.DatabasePath + "-wal" }.Where(File.Exists))
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var secret in secrets)
            {
                Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, $"{Path.GetFileName(file)} holds a secret");
            }
        }
    }

    [Fact]
    public async Task IssuedValues_Always_CarryAtLeast256RandomBits()
    {
        var api = new IOfficeClient(_factory.CreateClient());
        var code = await api.GetCodeAsync();
        using var exchange = await api.ExchangeAsync(code);
        var tokens = await TokenSet.ReadAsync(exchange);

        foreach (var value in new[] { code, tokens.AccessToken, tokens.RefreshToken! })
        {
            // Unpadded base64url of the issue time (6 bytes) and 32 CSPRNG bytes.
            Assert.Equal(SecureToken.OrderedTokenLength, value.Length);
            Assert.Equal(SecureToken.TimePrefixBytes + 32, Base64Url.DecodeFromChars(value).Length);
        }

        Assert.Equal(3, new[] { code, tokens.AccessToken, tokens.RefreshToken }.Distinct().Count());
    }

    /// <summary>The 32 random bytes at the end of a code, token or secret (codes and tokens carry their issue time before them).</summary>
    private static byte[] RandomPart(string value) => Base64Url.DecodeFromChars(value)[^32..];

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
