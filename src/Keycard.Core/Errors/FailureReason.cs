namespace Keycard.Core.Errors;

/// <summary>
/// Why a grant was refused, beyond its error code: what an operator searches the event log for
/// ("client X got invalid_grant because the code was replayed"). Never shown to the client.
/// </summary>
public enum FailureReason
{
    Unspecified,
    CodeExpired,
    CodeReplayed,
    PkceFailed,
    RedirectMismatch,
    ScopeMismatch,
    GrantUnknown,
    GrantOfAnotherClient,
    GrantRevoked,
    RefreshExpired,
    RefreshReused,
}
