using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Scopes;
using Keycard.Core.Users;
using Microsoft.Extensions.Options;

namespace Keycard.Core.Authorization;

/// <summary>The iOFFICE "alternate authorization code request": a code straight from a username and password.</summary>
public sealed class PasswordCodeService(
    ClientAuthenticator clientAuthenticator,
    PasswordSignIn signIn,
    CodeIssuer codes,
    IOptions<KeycardProtocolOptions> options)
{
    public async Task<Result<IssuedCode>> IssueAsync(PasswordCodeRequest request, CancellationToken cancellationToken)
    {
        var authenticated = await clientAuthenticator.AuthenticateAsync(request.ClientId, request.ClientSecret, request.SourceAddress, cancellationToken);
        if (!authenticated.IsSuccess)
        {
            return authenticated.Error;
        }

        var client = authenticated.Value;

        // RFC 9700 §2.4: the password grant "MUST NOT be used"; kept for the guide's sake, switchable globally and per client.
        if (!options.Value.PasswordCodeEndpointEnabled || !client.AllowPasswordCodeEndpoint)
        {
            return ProtocolError.UnauthorizedClient("The username/password code endpoint is disabled for this client.");
        }

        if (request.RedirectUri is not null && !RedirectUriRules.IsRegistered(client, request.RedirectUri))
        {
            return ProtocolError.InvalidRequest("The redirect URI is not one this application registered.");
        }

        if (ScopeRules.Validate(client, request.Scope) is { } scopeError)
        {
            return scopeError;
        }

        if (request.CodeChallenge is not null && !Security.Pkce.IsValidChallenge(request.CodeChallenge))
        {
            return ProtocolError.InvalidRequest("The code challenge must be 43 base64url characters (RFC 7636 §4.2, S256).");
        }

        var user = await signIn.SignInAsync(request.UserName, request.Password, request.SourceAddress, cancellationToken);
        if (!user.IsSuccess)
        {
            return user.Error;
        }

        var binding = new CodeGrantBinding(client, user.Value, request.RedirectUri, request.Scope, request.CodeChallenge);
        return await codes.IssueAsync(binding, cancellationToken);
    }
}

public sealed record PasswordCodeRequest
{
    public string? UserName { get; init; }

    public string? Password { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? RedirectUri { get; init; }

    public string? Scope { get; init; }

    public string? CodeChallenge { get; init; }

    /// <summary>The caller's network address, for throttling failed authentication per source (RFC 6749 §10.10).</summary>
    public string? SourceAddress { get; init; }
}
