namespace Keycard.Server.Endpoints.Api;

/// <summary>The iOFFICE user shape; dates are epoch milliseconds.</summary>
public sealed record UserMeResponse(
    int Id,
    string UserName,
    string FirstName,
    string LastName,
    string Name,
    string Email,
    long DateCreated,
    long DateUpdated);
