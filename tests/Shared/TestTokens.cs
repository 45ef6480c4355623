using Keycard.Core.Security;
using Keycard.Core.Tokens;

namespace Keycard.Testing;

/// <summary>
/// The one way the .NET tests make a stored token row (linked into each project that needs one, not referenced):
/// a fresh random value's hash and a fresh family unless given, live for <c>lifetime</c> from <c>createdAt</c>.
/// A test names only what it is about; anything else a row needs goes on with <c>with { ... }</c>.
/// </summary>
public static class TestTokens
{
    public static StoredToken New(
        DateTimeOffset createdAt,
        TokenKind kind = TokenKind.AccessToken,
        TimeSpan? lifetime = null,
        string clientId = "app",
        int? userId = null,
        string scope = "email",
        string? familyId = null,
        byte[]? hash = null) => new()
        {
            Hash = hash ?? SecureToken.Hash(SecureToken.Generate()),
            Kind = kind,
            ClientId = clientId,
            UserId = userId,
            Scope = scope,
            FamilyId = familyId ?? Guid.NewGuid().ToString("N"),
            CreatedAt = createdAt,
            ExpiresAt = createdAt + (lifetime ?? TimeSpan.FromHours(1)),
        };
}
