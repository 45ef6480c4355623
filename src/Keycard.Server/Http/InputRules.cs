namespace Keycard.Server.Http;

/// <summary>Character-level input rules shared by every reader.</summary>
internal static class InputRules
{
    /// <summary>Why a decoded value is unacceptable, or null.</summary>
    public static string? FindProblem(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c == 0x7F)
            {
                return "contains a control character";
            }

            // The decoder turns invalid UTF-8 into U+FFFD; a real value never needs it.
            if (c == '\uFFFD')
            {
                return "is not valid UTF-8";
            }
        }

        return null;
    }

    /// <summary>Checks that every '%' in a raw query or form string starts a valid escape (RFC 3986 §2.1).</summary>
    public static bool HasValidPercentEncoding(ReadOnlySpan<char> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '%')
            {
                continue;
            }

            if (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2]))
            {
                return false;
            }

            i += 2;
        }

        return true;
    }
}
