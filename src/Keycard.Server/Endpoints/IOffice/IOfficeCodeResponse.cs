namespace Keycard.Server.Endpoints.IOffice;

/// <summary>The answer of the guide's "alternate authorization code request".</summary>
public sealed record IOfficeCodeResponse(string Code);
