namespace WorkplaceApi;

/// <summary>What <c>GET /api/workplaces</c> answers: who asked (as Keycard vouched) and the workplaces.</summary>
public sealed record WorkplaceList(string Subject, string? ClientId, IReadOnlyList<string> Workplaces);
