namespace Keycard.Core.Clients;

/// <summary>Why a registration was refused: the field at fault, the value when there is one, and what is wrong with it.</summary>
public sealed record ClientRegistrationProblem(ClientRegistrationField Field, string Problem, string? Value = null);
