namespace Keycard.AspNetCore.Tests;

/// <summary>Start-up checks of <see cref="KeycardAuthenticationOptions"/>: a configuration that cannot work fails at once, not per request.</summary>
public sealed class KeycardAuthenticationOptionsTests
{
    private static KeycardAuthenticationOptions Valid() => new() { Authority = "https://auth.example.com", Resource = "https://api.example.com/" };

    [Fact]
    public void Validate_ResourceOnly_IsAccepted()
    {
        Valid().Validate();
    }

    [Fact]
    public void Validate_NothingToAccept_Throws()
    {
        var options = Valid();
        options.Resource = null;

        Assert.Throws<InvalidOperationException>(options.Validate);
    }

    [Fact]
    public void Validate_IntrospectionModeWithoutClient_Throws()
    {
        var options = Valid();
        options.JwtValidation = KeycardJwtValidation.Introspection;

        Assert.Contains("JwtValidation", Assert.Throws<InvalidOperationException>(options.Validate).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void Validate_ClockSkewOutOfRange_Throws(int seconds)
    {
        var options = Valid();
        options.ClockSkew = TimeSpan.FromSeconds(seconds);

        Assert.Contains("ClockSkew", Assert.Throws<InvalidOperationException>(options.Validate).Message, StringComparison.Ordinal);
    }
}
