using Keycard.Storage;

namespace Keycard.Server.Tests.Hosting;

/// <summary>
/// The thread pool's spin-wait by database (KeycardServer.PoolSpinLimit): idle workers do not spin on PostgreSQL, where
/// spinning took the CPU the database on the same host needed (issue 14 item 8); an operator's own setting wins.
/// </summary>
public sealed class PoolSpinLimitTests
{
    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void PoolSpinLimitToSet_OnPostgres_IsZero() =>
        Assert.Equal(0u, KeycardServer.PoolSpinLimitToSet(DatabaseProvider.Postgres, configured: null, NoEnvironment));

    [Fact]
    public void PoolSpinLimitToSet_OnSqlite_KeepsTheRuntimesDefault() =>
        Assert.Null(KeycardServer.PoolSpinLimitToSet(DatabaseProvider.Sqlite, configured: null, NoEnvironment));

    [Fact]
    public void PoolSpinLimitToSet_SetInRuntimeConfig_LeavesTheOperatorsValue() =>
        Assert.Null(KeycardServer.PoolSpinLimitToSet(DatabaseProvider.Postgres, configured: 70u, NoEnvironment));

    [Theory]
    [InlineData("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit")]
    [InlineData("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit")]
    public void PoolSpinLimitToSet_SetInTheEnvironment_LeavesTheOperatorsValue(string variable) =>
        Assert.Null(KeycardServer.PoolSpinLimitToSet(DatabaseProvider.Postgres, configured: null, name => name == variable ? "0x46" : null));
}
