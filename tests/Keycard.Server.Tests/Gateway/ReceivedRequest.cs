namespace Keycard.Server.Tests.Gateway;

/// <summary>One request as the upstream behind the gateway received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, long BodyLength);
