namespace Keycard.AspNetCore;

/// <summary>The outcome of a token check; each maps to one answer of the guide's API contract.</summary>
public enum KeycardTokenStatus
{
    Valid,

    /// <summary>Expired: 403 sent the guide's way (the client library refreshes), 401 as Bearer.</summary>
    Expired,

    /// <summary>Revoked, unknown, malformed or not meant for this API: 401.</summary>
    Invalid,

    /// <summary>Keycard could not be asked: 503, so the client keeps its token and retries.</summary>
    Unavailable,
}
