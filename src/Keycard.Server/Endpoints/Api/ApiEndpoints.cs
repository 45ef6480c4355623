using Keycard.Core.Errors;
using Keycard.Core.Scopes;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Server.Endpoints.IOffice;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Endpoints.Api;

/// <summary>The REST API under <c>/external/api/rest/v2/</c>, protected by access tokens.</summary>
internal static class ApiEndpoints
{
    public const string TokenItem = "keycard.token";

    /// <summary>A <see cref="RequiredScope"/> for this request only, replacing the endpoint's (the gateway's per-method scopes).</summary>
    public const string RequiredScopeItem = "keycard.required_scope";

    public static IEndpointRouteBuilder MapRestApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/external/api/rest/v2")
            .RequireCors(ClientOriginCorsPolicyProvider.PolicyName)
            .WithMetadata(IOfficeErrorDialect.Instance, NoSignInSession.Instance)
            .AddEndpointFilter(RequireAccessTokenAsync);
        var me = api.MapGet("/users/me", UsersMeAsync);

        // users/me is open to any valid token unless a deployment names a scope for it.
        var meScope = routes.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value.UsersMeScope;
        if (!string.IsNullOrEmpty(meScope))
        {
            me.WithMetadata(new RequiredScope(meScope));
        }

        return routes;
    }

    private static async Task<Results<Ok<UserMeResponse>, JsonHttpResult<IOfficeError>>> UsersMeAsync(
        HttpContext context, IUserDirectory users, CancellationToken cancellationToken)
    {
        var token = (StoredToken)context.Items[TokenItem]!;
        if (token.UserId is not { } userId)
        {
            return IOfficeResults.Error(context, ProtocolError.AccessDenied("This access token acts for a client, not a user."));
        }

        var user = await users.FindAsync(userId, cancellationToken);
        if (user is null || user.IsDisabled)
        {
            return IOfficeResults.Error(context, new ProtocolError(OAuthErrorCodes.InvalidToken, "The user of this access token no longer exists."));
        }

        var name = string.Join(' ', new[] { user.FirstName, user.LastName }.Where(s => s.Length > 0));
        ResponseHeaders.NoStore(context.Response);
        return TypedResults.Ok(new UserMeResponse(
            user.Id,
            user.UserName,
            user.FirstName,
            user.LastName,
            name,
            user.Email,
            user.CreatedAt.ToUnixTimeMilliseconds(),
            user.UpdatedAt.ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// Every API call: find the token, validate it, and answer failures the way each transport's clients expect.
    /// An expired token sent the guide's way is 403, because iOFFICE's client library refreshes on 403 and discards
    /// the token on 401; sent as a Bearer token it is 401 with an RFC 6750 §3 challenge.
    /// </summary>
    internal static ValueTask<object?> RequireAccessTokenAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next) =>
        RequireAccessTokenAsync(invocation, next, null);

    /// <summary>As above, with the validator given (the gateway's, which needs no request scope) or resolved from the request.</summary>
    internal static async ValueTask<object?> RequireAccessTokenAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next, AccessTokenValidator? validator)
    {
        var context = invocation.HttpContext;
        var presented = PresentedToken.From(context.Request);
        if (presented.Error is { } error)
        {
            return Challenge(context, error);
        }

        if (presented.Transport == TokenTransport.None)
        {
            // RFC 6750 §3.1: a request with no authentication gets a challenge without an error code.
            context.Response.Headers.WWWAuthenticate = BearerChallenge.Bare;
            return IOfficeResults.Error(context, new ProtocolError(OAuthErrorCodes.InvalidToken, "An access token is required: send it as x-access-token, ?access_token= or Authorization: Bearer."));
        }

        validator ??= context.RequestServices.GetRequiredService<AccessTokenValidator>();
        var validation = await validator.ValidateAsync(presented.Value, context.RequestAborted);
        switch (validation.Status)
        {
            case TokenValidationStatus.Valid when (context.Items[RequiredScopeItem] as RequiredScope ?? context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()) is { } required
                && !ScopeRules.IsSubset(required.Scope, validation.Token!.Scope):
                // RFC 6750 §3.1: 403 with the scope the token lacks, so the client knows what to ask for.
                return Challenge(context, new ProtocolError(OAuthErrorCodes.InsufficientScope, $"This endpoint needs the scope '{required.Scope}'."), required.Scope);
            case TokenValidationStatus.Valid:
                context.Items[TokenItem] = validation.Token;
                return await next(invocation);
            case TokenValidationStatus.Expired when presented.Transport != TokenTransport.Bearer:
                return IOfficeResults.Error(context, new ProtocolError(OAuthErrorCodes.InvalidToken, "The access token has expired; refresh it."), StatusCodes.Status403Forbidden);
            case TokenValidationStatus.Expired:
                return Challenge(context, new ProtocolError(OAuthErrorCodes.InvalidToken, "The access token has expired."));
            default:
                return Challenge(context, new ProtocolError(OAuthErrorCodes.InvalidToken, "The access token is invalid or revoked."));
        }
    }

    /// <summary>RFC 6750 §3: WWW-Authenticate with the error code; invalid_request is 400, invalid_token 401.</summary>
    private static JsonHttpResult<IOfficeError> Challenge(HttpContext context, ProtocolError error, string? scope = null)
    {
        context.Response.Headers.WWWAuthenticate = BearerChallenge.For(error, scope);
        return IOfficeResults.Error(context, error);
    }
}
