namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL the tests run against, named by <c>KEYCARD_TEST_POSTGRES</c> (an Npgsql connection string for a role
/// with CREATEDB; <c>scripts/postgres.sh</c> starts one and prints it).
/// </summary>
public static class PostgresServer
{
    public const string Variable = "KEYCARD_TEST_POSTGRES";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>
    /// Skipping is a local convenience only: under CI=true a missing server must fail the run, because a skipped
    /// test passes nothing.
    /// </summary>
    public static string? SkipReason =>
        ConnectionString is null && !IsCi ? $"{Variable} is not set; run `source scripts/postgres.sh` to test on PostgreSQL." : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RequireConnectionString() => ConnectionString ?? throw new InvalidOperationException(
        $"{Variable} is not set, and CI=true forbids skipping the PostgreSQL tests. Run `source scripts/postgres.sh` first.");
}
