using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Keycard.Core.Security;

/// <summary>Proof Key for Code Exchange, RFC 7636. Only S256 is offered (RFC 9700 §2.1.1: plain is not safe).</summary>
public static class Pkce
{
    public const string S256 = "S256";

    /// <summary>RFC 7636 §4.1: code_verifier = 43*128unreserved.</summary>
    public static bool IsValidVerifier(string verifier) =>
        verifier.Length is >= 43 and <= 128 && verifier.All(IsUnreserved);

    /// <summary>RFC 7636 §4.2: a S256 challenge is BASE64URL(SHA256(verifier)), 43 characters.</summary>
    public static bool IsValidChallenge(string challenge) =>
        challenge.Length == 43 && challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string ComputeChallenge(string verifier)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(verifier));
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>RFC 7636 §4.6: compare BASE64URL(SHA256(verifier)) with the stored challenge, in constant time.</summary>
    public static bool Verify(string verifier, string challenge)
    {
        if (!IsValidVerifier(verifier))
        {
            return false;
        }

        var computed = Encoding.ASCII.GetBytes(ComputeChallenge(verifier));
        var expected = Encoding.ASCII.GetBytes(challenge);
        return CryptographicOperations.FixedTimeEquals(computed, expected);
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
