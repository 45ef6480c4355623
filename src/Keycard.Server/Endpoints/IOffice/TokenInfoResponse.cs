namespace Keycard.Server.Endpoints.IOffice;

/// <summary>What <c>tokeninfo</c> says of a valid access token. Times are epoch milliseconds like the rest of the dialect.</summary>
public sealed record TokenInfoResponse(
    string ClientId,
    int? UserId,
    string Scope,
    long ExpiresAt,
    long ExpiresIn,
    long IssuedAt);
