namespace Keycard.Core.Tokens;

public enum TokenKind
{
    AuthorizationCode = 1,
    AccessToken = 2,
    RefreshToken = 3,
}
