using Keycard.Core.Errors;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Clients;

/// <summary>RFC 6749 §2.3.1 and §10.10: confidential clients prove their secret, and guessing it is throttled.</summary>
public sealed class ClientAuthenticatorTests
{
    private readonly CoreHarness _core = new();

    [Fact]
    public async Task Authenticate_RightSecret_Succeeds()
    {
        var result = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, _core.Secret, CancellationToken.None);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task Authenticate_AfterRepeatedWrongSecrets_ThrottlesTheRightOneUntilTheLockEnds()
    {
        for (var i = 0; i < _core.Lockout.MaxFailedAttempts; i++)
        {
            var wrong = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, "wrong-" + i, CancellationToken.None);
            Assert.Equal(OAuthErrorCodes.InvalidClient, wrong.Error?.Code);
        }

        var locked = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, _core.Secret, CancellationToken.None);
        _core.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, _core.Secret, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.TooManyAttempts, locked.Error?.Code);
        Assert.NotNull(locked.Error?.RetryAfter);
        Assert.True(after.IsSuccess);
    }

    [Fact]
    public async Task Authenticate_ConfidentialClientWithoutSecret_IsInvalidClient()
    {
        var result = await _core.ClientAuthenticator.AuthenticateAsync(CoreHarness.ConfidentialClientId, null, CancellationToken.None);

        Assert.Equal(OAuthErrorCodes.InvalidClient, result.Error?.Code);
    }
}
