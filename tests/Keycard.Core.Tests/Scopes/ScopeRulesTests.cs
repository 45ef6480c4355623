using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Scopes;

namespace Keycard.Core.Tests.Scopes;

/// <summary>RFC 6749 §3.3 (scope syntax, client policy) and §6 (a refresh never widens the scope).</summary>
public sealed class ScopeRulesTests
{
    private static readonly Client AnyScope = new() { ClientId = "any", Name = "Any", AppCode = "any", RedirectUris = [] };

    private static readonly Client Restricted = AnyScope with { ClientId = "restricted", AllowedScopes = ["email", "profile"] };

    [Fact]
    public void Validate_NoScope_IsAccepted()
    {
        Assert.Null(ScopeRules.Validate(Restricted, null));
    }

    [Theory]
    [InlineData("email")]
    [InlineData("anything the app likes")]
    [InlineData("urn:example:read !#$%&'()*+,-./:;<=>?@[]^_`{|}~")]
    public void Validate_ClientWithoutAllowedScopes_AcceptsAnyWellFormedScope(string scope)
    {
        // The iOFFICE guide treats the scope as a free string; only RFC 6749 §3.3's syntax applies.
        Assert.Null(ScopeRules.Validate(AnyScope, scope));
    }

    [Theory]
    [InlineData("email \"quoted\"")]
    [InlineData("back\\slash")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("caf\u00e9")]
    [InlineData("del\u007f")]
    public void Validate_CharacterOutsideScopeTokenSyntax_IsInvalidScope(string scope)
    {
        // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), tokens separated by spaces.
        Assert.Equal(OAuthErrorCodes.InvalidScope, ScopeRules.Validate(AnyScope, scope)?.Code);
    }

    [Fact]
    public void Validate_LongerThanTheLimit_IsInvalidScope()
    {
        Assert.Null(ScopeRules.Validate(AnyScope, new string('s', ScopeRules.MaxLength)));
        Assert.Equal(OAuthErrorCodes.InvalidScope, ScopeRules.Validate(AnyScope, new string('s', ScopeRules.MaxLength + 1))?.Code);
    }

    [Theory]
    [InlineData("email")]
    [InlineData("profile email")]
    [InlineData("email  profile")]
    [InlineData("")]
    public void Validate_OnlyAllowedScopes_IsAccepted(string scope)
    {
        Assert.Null(ScopeRules.Validate(Restricted, scope));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("email admin")]
    [InlineData("Email")]
    public void Validate_ScopeTheClientMayNotRequest_IsInvalidScope(string scope)
    {
        // RFC 6749 §3.3: the server may refuse scopes outside the client's registration; scope tokens are case-sensitive.
        Assert.Equal(OAuthErrorCodes.InvalidScope, ScopeRules.Validate(Restricted, scope)?.Code);
    }

    [Fact]
    public void Split_RepeatedSpaces_YieldsOnlyTheTokens()
    {
        Assert.Equal(["email", "profile"], ScopeRules.Split(" email   profile "));
        Assert.Empty(ScopeRules.Split(null));
        Assert.Empty(ScopeRules.Split(""));
    }

    [Theory]
    [InlineData("email", "email profile", true)]
    [InlineData("profile email", "email profile", true)]
    [InlineData(null, "email", true)]
    [InlineData("", "email", true)]
    [InlineData("email admin", "email profile", false)]
    [InlineData("EMAIL", "email", false)]
    [InlineData("email", "", false)]
    public void IsSubset_RequestedAgainstGranted_IsTrueOnlyWhenNothingIsAdded(string? requested, string granted, bool expected)
    {
        // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
        Assert.Equal(expected, ScopeRules.IsSubset(requested, granted));
    }
}
