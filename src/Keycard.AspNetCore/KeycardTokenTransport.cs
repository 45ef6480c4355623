namespace Keycard.AspNetCore;

/// <summary>How the caller sent its access token: the guide's two ways, RFC 6750's Bearer header, or not at all.</summary>
public enum KeycardTokenTransport
{
    None,
    Query,
    Header,
    Bearer,
}
