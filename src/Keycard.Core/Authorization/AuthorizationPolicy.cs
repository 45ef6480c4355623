namespace Keycard.Core.Authorization;

/// <summary>What a dialect demands of an authorization request beyond RFC 6749.</summary>
public sealed record AuthorizationPolicy
{
    /// <summary>The iOFFICE login page: "will not work correctly if you do not provide the 5 query parameters".</summary>
    public static readonly AuthorizationPolicy IOffice = new()
    {
        RequireRedirectUri = true,
        RequireScope = true,
        RequireState = true,
        RequirePkceForPublicClients = false,
        ShowMissingParameters = true,
    };

    /// <summary>OAuth 2.1 / RFC 9700 §2.1.1: PKCE for public clients; redirect_uri optional with one registered.</summary>
    public static readonly AuthorizationPolicy Standard = new()
    {
        RequireRedirectUri = false,
        RequireScope = false,
        RequireState = false,
        RequirePkceForPublicClients = true,
        OpenIdConnect = true,
        HonoursResponseMode = true,
        AnyLoopbackPort = true,
    };

    public bool RequireRedirectUri { get; init; }

    public bool RequireScope { get; init; }

    public bool RequireState { get; init; }

    public bool RequirePkceForPublicClients { get; init; }

    /// <summary>OpenID Connect Core §3.1.2: prompt, max_age, id_token_hint and the unsupported request parameters are honoured.</summary>
    public bool OpenIdConnect { get; init; }

    /// <summary>
    /// The response_mode parameter is read (Multiple Response Type Encoding Practices §2.1, Form Post Response Mode §2).
    /// The guide's login page always answers in the fragment, so the iOFFICE dialect ignores it.
    /// </summary>
    public bool HonoursResponseMode { get; init; }

    /// <summary>
    /// A missing response_type, scope or state is shown on the error page instead of redirected: the guide's page
    /// "will not work correctly" without its five parameters, so a request missing one is not a client's request.
    /// </summary>
    public bool ShowMissingParameters { get; init; }

    /// <summary>
    /// RFC 8252 §7.3 and RFC 9700 §2.1: a registered http loopback redirect URI matches any port at request time
    /// (<see cref="Clients.RedirectUriRules.IsRegistered"/>). The guide's login page keeps its exact match.
    /// </summary>
    public bool AnyLoopbackPort { get; init; }
}
