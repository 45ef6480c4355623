namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>A statement a store ran and the plan its database chose for it (<see cref="PlanRecorder"/>).</summary>
public sealed record RecordedPlan(string Sql, string Plan);
