namespace Keycard.Core.Authorization;

/// <summary>
/// How the authorization response reaches the client: OAuth 2.0 Multiple Response Type Encoding Practices §2.1
/// (<c>query</c>, <c>fragment</c>) and OAuth 2.0 Form Post Response Mode §2 (<c>form_post</c>).
/// </summary>
public static class ResponseModes
{
    /// <summary>In the redirect URI's query: the default of response_type=code (RFC 6749 §4.1.2).</summary>
    public const string Query = "query";

    /// <summary>In the redirect URI's fragment, which the browser keeps from servers and logs (the guide's login page).</summary>
    public const string Fragment = "fragment";

    /// <summary>In an HTML form that the browser posts to the redirect URI, so the values appear in no URL at all.</summary>
    public const string FormPost = "form_post";

    public static readonly IReadOnlyList<string> All = [Query, Fragment, FormPost];

    public static bool IsSupported(string? mode) => mode is Query or Fragment or FormPost;
}
