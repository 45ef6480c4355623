namespace Keycard.Server.Endpoints.IOffice;

/// <summary>The error body iOFFICE clients read: <c>{"status":400,"error":"invalid_grant","errorDescription":"…"}</c>.</summary>
public sealed record IOfficeError(int Status, string Error, string ErrorDescription);
