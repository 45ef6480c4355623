using System.Text.Json;

namespace Keycard.Core.Signing;

/// <summary>
/// A JWT's claims (RFC 7519 §4) as the prepared signing path writes them: each claim straight into the payload JSON, in
/// the type's own order. A struct implementing it is signed through a generic method, so no claim is boxed.
/// </summary>
internal interface IJwtClaims
{
    /// <summary>Writes the claims as properties of the payload object (its braces are written by the caller).</summary>
    void WriteTo(Utf8JsonWriter writer);

    /// <summary>The same claims, in the same order, for Microsoft.IdentityModel's general path (a key the prepared path does not know).</summary>
    IReadOnlyDictionary<string, object> ToDictionary();
}
