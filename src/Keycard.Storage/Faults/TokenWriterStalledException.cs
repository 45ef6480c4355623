namespace Keycard.Storage.Faults;

/// <summary>The token writer did not finish a write within the database deadline: answered 503, never waited on for ever.</summary>
public sealed class TokenWriterStalledException(string message) : TimeoutException(message);
