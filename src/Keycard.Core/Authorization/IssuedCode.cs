namespace Keycard.Core.Authorization;

public sealed record IssuedCode(string Code, DateTimeOffset ExpiresAt);
