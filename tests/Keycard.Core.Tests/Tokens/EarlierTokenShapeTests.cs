using Keycard.Core.Security;
using Keycard.Core.Tests.Fakes;
using Keycard.Core.Tokens;
using Keycard.Testing;

namespace Keycard.Core.Tests.Tokens;

/// <summary>
/// Codes and tokens are now issued with their issue time in front (SecureToken.GenerateOrdered) and stored under
/// that time and a SHA-256. Values issued by earlier builds (43 characters, stored under their SHA-256 alone) must
/// keep working until they expire: an upgrade never signs anyone out.
/// </summary>
public sealed class EarlierTokenShapeTests
{
    private readonly CoreHarness _core = new();

    [Fact]
    public async Task Issued_Always_HasTheOrderedShape()
    {
        var tokens = await _core.SignInAsync();

        Assert.Equal(SecureToken.OrderedTokenLength, tokens.AccessToken.Length);
        Assert.Equal(SecureToken.OrderedTokenLength, tokens.RefreshToken!.Length);
        Assert.All(_core.Tokens.All, t => Assert.Equal(SecureToken.StorageKeyLength, t.Hash.Length));
    }

    [Fact]
    public async Task EarlierAccessToken_StillValidates()
    {
        var earlier = await StoreEarlierAsync(TokenKind.AccessToken);

        var validation = await new AccessTokenValidator(_core.Tokens, _core.Time).ValidateAsync(earlier, CancellationToken.None);

        Assert.Equal(TokenValidationStatus.Valid, validation.Status);
    }

    [Fact]
    public async Task EarlierRefreshToken_StillRotates_IntoAnOrderedOne()
    {
        var earlier = await StoreEarlierAsync(TokenKind.RefreshToken);

        var rotated = await _core.RefreshAsync(earlier);

        Assert.True(rotated.IsSuccess, rotated.Error?.Description);
        Assert.Equal(SecureToken.OrderedTokenLength, rotated.Value.RefreshToken!.Length);
        var spent = _core.Tokens.All.Single(t => t.Hash.AsSpan().SequenceEqual(SecureToken.Hash(earlier)));
        Assert.NotNull(spent.ConsumedAt);
    }

    private async Task<string> StoreEarlierAsync(TokenKind kind)
    {
        var value = SecureToken.Generate();
        var token = TestTokens.New(
            _core.Time.GetUtcNow(), kind, clientId: CoreHarness.PublicClientId, userId: FakeUserAuthenticator.UserId, hash: SecureToken.Hash(value));
        await _core.Tokens.AddAsync([token], CancellationToken.None);
        return value;
    }
}
