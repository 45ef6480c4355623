using Keycard.Core.Authorization;
using Keycard.Core.Errors;

namespace Keycard.Server.Endpoints.Login;

/// <summary>How one dialect uses the shared sign-in form: its policy and where its answers go.</summary>
internal sealed record LoginDialect
{
    public required AuthorizationPolicy Policy { get; init; }

    /// <summary>RFC 6749 §4.1.2: the code, for the client's redirect URI.</summary>
    public required Func<AuthorizationValidation, AuthorizationResponse, AuthorizationAnswer> AnswerCode { get; init; }

    /// <summary>RFC 6749 §4.1.2.1: an error, once the client and its redirect URI are known good.</summary>
    public required Func<AuthorizationValidation, ProtocolError, AuthorizationAnswer> AnswerError { get; init; }

    /// <summary>A browser with a sign-in session gets its code at once, without the form (the standard dialect).</summary>
    public bool CompleteFromSession { get; init; }

    /// <summary>The issuer an id_token_hint must come from (the standard dialect's); empty where hints are not read.</summary>
    public string Issuer { get; init; } = "";
}
