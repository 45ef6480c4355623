using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Errors;
using Keycard.Core.Scopes;
using Keycard.Core.Security;
using Keycard.Core.Tokens;
using Keycard.Core.Users;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Keycard.Server.Endpoints.IOffice;

/// <summary>
/// The iOFFICE header dialect (shared/spec/ioffice-oauth2-guide.txt): every parameter travels in an <c>x-</c> header,
/// bodies are ignored, <c>expires_in</c> is in milliseconds. Each endpoint only translates to and from the core.
/// </summary>
internal static class IOfficeEndpoints
{
    public static IEndpointRouteBuilder MapIOfficeDialect(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/external/api/oauth2")
            .RequireCors(ClientOriginCorsPolicyProvider.PolicyName)
            .WithMetadata(IOfficeErrorDialect.Instance, NoSignInSession.Instance);
        group.MapPost("/auth", AuthAsync).RequireRateLimiting(PasswordRateLimit.PolicyName);
        group.MapPost("/token", TokenAsync);
        group.MapPost("/revoke", RevokeAsync);
        group.MapGet("/revoke", RevokeAsync);
        group.MapGet("/tokeninfo", TokenInfoAsync);
        return routes;
    }

    /// <summary>The guide's "alternate authorization code request": a code from a username and password.</summary>
    private static async Task<Results<Ok<IOfficeCodeResponse>, JsonHttpResult<IOfficeError>>> AuthAsync(
        HttpContext context, AuthorizationService authorization, CancellationToken cancellationToken)
    {
        var reader = new ParameterReader();
        var request = new PasswordCodeRequest
        {
            UserName = reader.Header(context.Request, "x-auth-username", PasswordSignIn.MaxUserNameLength),
            Password = reader.Header(context.Request, "x-auth-password", PasswordSignIn.MaxPasswordLength),
            ClientId = reader.Header(context.Request, "x-client-id", ClientAuthenticator.MaxClientIdLength),
            ClientSecret = reader.Header(context.Request, "x-client-secret", ClientAuthenticator.MaxSecretLength),
            RedirectUri = reader.Header(context.Request, "x-redirect-uri", RedirectUriRules.MaxLength),
            Scope = reader.Header(context.Request, "x-scope", ScopeRules.MaxLength),
            CodeChallenge = reader.Header(context.Request, "x-code-challenge", 128),
            SourceAddress = SourceAddress.Of(context),
        };
        if (reader.Error is { } inputError)
        {
            return IOfficeResults.Error(context, inputError);
        }

        var result = await authorization.IssuePasswordCodeAsync(request, cancellationToken);
        if (!result.IsSuccess)
        {
            return IOfficeResults.Error(context, result.Error);
        }

        IOfficeResults.NoStore(context);
        return TypedResults.Ok(new IOfficeCodeResponse(result.Value.Code));
    }

    private static async Task<Results<Ok<IOfficeTokenResponse>, JsonHttpResult<IOfficeError>>> TokenAsync(
        HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        var reader = new ParameterReader();
        var request = new TokenRequest
        {
            GrantType = reader.Header(context.Request, "x-grant-type", 100),
            ClientId = reader.Header(context.Request, "x-client-id", ClientAuthenticator.MaxClientIdLength),
            ClientSecret = reader.Header(context.Request, "x-client-secret", ClientAuthenticator.MaxSecretLength),
            RedirectUri = reader.Header(context.Request, "x-redirect-uri", RedirectUriRules.MaxLength),
            Scope = reader.Header(context.Request, "x-scope", ScopeRules.MaxLength),
            Code = reader.Header(context.Request, "x-auth-code", SecureToken.MaxPresentedLength),
            RefreshToken = reader.Header(context.Request, "x-refresh-token", SecureToken.MaxPresentedLength),
            CodeVerifier = reader.Header(context.Request, "x-code-verifier", SecureToken.MaxPresentedLength),
            // Only for JWT access tokens (RFC 9068 §2.2); no Issuer: this dialect answers no ID token.
            AccessTokenIssuer = OAuth.OAuthIssuer.For(context),
            SourceAddress = SourceAddress.Of(context),
        };
        if (reader.Error is { } inputError)
        {
            return IOfficeResults.Error(context, inputError);
        }

        var result = await tokens.HandleAsync(request, cancellationToken);
        if (!result.IsSuccess)
        {
            return IOfficeResults.Error(context, result.Error);
        }

        IOfficeResults.NoStore(context);
        var issued = result.Value;
        return TypedResults.Ok(new IOfficeTokenResponse(
            IssuedTokens.BearerType,
            issued.AccessToken,
            (long)issued.ExpiresIn.TotalMilliseconds,
            issued.RefreshToken,
            issued.Scope));
    }

    private static async Task<Results<Ok, JsonHttpResult<IOfficeError>>> RevokeAsync(
        HttpContext context, RevocationService revocation, CancellationToken cancellationToken)
    {
        var reader = new ParameterReader();
        var request = new RevocationRequest
        {
            Token = reader.Header(context.Request, "x-token", SecureToken.MaxPresentedAccessTokenLength * 2),
            ClientId = reader.Header(context.Request, "x-client-id", ClientAuthenticator.MaxClientIdLength),
            ClientSecret = reader.Header(context.Request, "x-client-secret", ClientAuthenticator.MaxSecretLength),
            SourceAddress = SourceAddress.Of(context),
        };
        if (reader.Error is { } inputError)
        {
            return IOfficeResults.Error(context, inputError);
        }

        var result = await revocation.RevokeAsync(request, cancellationToken);
        if (!result.IsSuccess)
        {
            return IOfficeResults.Error(context, result.Error);
        }

        // RFC 7009 §2.2: 200 whether or not the token was known.
        IOfficeResults.NoStore(context);
        return TypedResults.Ok();
    }

    /// <summary>iOFFICE's client library checks a token here: 200 with its facts when valid, 401 otherwise.</summary>
    private static async Task<Results<Ok<TokenInfoResponse>, JsonHttpResult<IOfficeError>>> TokenInfoAsync(
        HttpContext context, AccessTokenValidator validator, TimeProvider time, CancellationToken cancellationToken)
    {
        var reader = new ParameterReader();
        var token = reader.Header(context.Request, "x-token", SecureToken.MaxPresentedAccessTokenLength * 2)
            ?? reader.Header(context.Request, "x-access-token", SecureToken.MaxPresentedAccessTokenLength * 2);
        if (reader.Error is { } inputError)
        {
            return IOfficeResults.Error(context, inputError);
        }

        var validation = await validator.ValidateAsync(token, cancellationToken);
        if (!validation.IsValid || validation.Token is not { } stored)
        {
            var description = token is null ? "The x-token header is missing." : "The token is invalid, expired or revoked.";
            if (token is null)
            {
                // RFC 6750 §3.1: no token sent, so no error code in the challenge (IOfficeResults adds it otherwise).
                context.Response.Headers.WWWAuthenticate = BearerChallenge.Bare;
            }

            return IOfficeResults.Error(context, new ProtocolError(OAuthErrorCodes.InvalidToken, description));
        }

        IOfficeResults.NoStore(context);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new TokenInfoResponse(
            stored.ClientId,
            stored.UserId,
            stored.Scope,
            stored.ExpiresAt.ToUnixTimeMilliseconds(),
            (long)(stored.ExpiresAt - now).TotalMilliseconds,
            stored.CreatedAt.ToUnixTimeMilliseconds()));
    }
}
