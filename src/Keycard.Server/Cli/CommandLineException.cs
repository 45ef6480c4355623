namespace Keycard.Server.Cli;

/// <summary>A mistake or a missing precondition a command reports in one line (exit code 1), never as a stack trace.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
