using Keycard.Core.Clients;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Authorization;

/// <summary>Issues authorization codes bound to client, redirect URI, scope and PKCE challenge (RFC 6749 §4.1.2, RFC 7636 §4.4).</summary>
public sealed class CodeIssuer(ITokenStore tokens, TimeProvider time, IOptions<KeycardProtocolOptions> options)
{
    public async Task<IssuedCode> IssueAsync(CodeGrantBinding binding, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var code = SecureToken.GenerateOrdered(now);
        var expiresAt = now + options.Value.AuthorizationCodeLifetime;
        var stored = new StoredToken
        {
            Hash = SecureToken.StorageKey(code),
            Kind = TokenKind.AuthorizationCode,
            ClientId = binding.Client.ClientId,
            UserId = binding.UserId,
            Scope = binding.Scope ?? "",
            ScopeOpen = binding.Scope is null,
            FamilyId = Guid.CreateVersion7(now).ToString("N"),
            RedirectUri = binding.RedirectUri,
            CodeChallenge = binding.CodeChallenge,
            Nonce = binding.Nonce,
            AuthTime = binding.AuthTime,
            SessionId = binding.SessionId,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        await tokens.AddAsync([stored], cancellationToken);
        return new IssuedCode(code, expiresAt);
    }
}

/// <summary>What a code is bound to. A null redirect URI or scope leaves it to the token request (the iOFFICE password endpoint names neither).</summary>
/// <remarks>
/// For OpenID Connect: the request's <c>nonce</c>, when the user entered their password (<c>auth_time</c>) and the
/// sign-in session the code came from (<c>sid</c>); the ID token issued for the code carries them.
/// </remarks>
public sealed record CodeGrantBinding(Client Client, int UserId, string? RedirectUri, string? Scope, string? CodeChallenge)
{
    public string? Nonce { get; init; }

    public DateTimeOffset? AuthTime { get; init; }

    public string? SessionId { get; init; }
}
