namespace Keycard.Storage.DataProtection;

/// <summary>The key-encryption key is missing or unreadable: an operator's mistake, reported in one line at start.</summary>
public sealed class KeyEncryptionKeyException(string message) : Exception(message);
