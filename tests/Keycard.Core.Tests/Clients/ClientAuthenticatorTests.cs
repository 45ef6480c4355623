using Keycard.Core.Errors;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Clients;

/// <summary>RFC 6749 §2.3.1 and §10.10: confidential clients prove their secret, and guessing it is throttled.</summary>
public sealed class ClientAuthenticatorTests
{
    private const string Address = "192.0.2.1";

    private readonly CoreHarness _core = new();

    [Fact]
    public async Task Authenticate_RightSecret_Succeeds()
    {
        var result = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, _core.Secret, Address, CancellationToken.None);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task Authenticate_AfterRepeatedWrongSecrets_ThrottlesTheRightOneUntilTheLockEnds()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            var wrong = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, "wrong-" + i, Address, CancellationToken.None);
            Assert.Equal(OAuthErrorCodes.InvalidClient, wrong.Error?.Code);
        }

        var locked = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, _core.Secret, Address, CancellationToken.None);
        _core.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, _core.Secret, Address, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, locked.Error?.Code);
        Assert.NotNull(locked.Error?.RetryAfter);
        Assert.True(after.IsSuccess);
    }

    [Fact]
    public async Task Authenticate_WrongSecretsFromOneAddress_RightSecretFromAnotherSucceeds()
    {
        // Issue 12 item 1: client ids are public, so failures lock only their (client, address) pair, never the client
        // (RFC 6749 §10.10 guessing is throttled; a correct secret is never refused for someone else's failures).
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts * 3; i++)
        {
            await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, "wrong-" + i, "198.51.100.9", CancellationToken.None);
        }

        var attacker = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, "wrong", "198.51.100.9", CancellationToken.None);
        var application = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, _core.Secret, Address, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, attacker.Error?.Code);
        Assert.True(application.IsSuccess);
    }

    [Theory]
    [InlineData("anything")]
    [InlineData("x")]
    public async Task Authenticate_PublicClientWithSecret_IsInvalidClient(string secret)
    {
        // Issue 13 item 3: a public client has no secret (RFC 6749 §2.1); one that sends a secret is misconfigured or
        // is posing as a confidential client (RFC 6749 §5.2 invalid_client).
        var result = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.PublicClientId, secret, Address, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
    }

    [Fact]
    public async Task Authenticate_ConfidentialClientWithoutSecret_IsInvalidClient()
    {
        var result = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, null, Address, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
    }
}
