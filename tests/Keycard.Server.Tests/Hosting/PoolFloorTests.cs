using Keycard.Storage;

namespace Keycard.Server.Tests.Hosting;

/// <summary>
/// The thread pool's floor (KeycardServer.PoolFloor): SQLite's synchronous provider needs spare workers; on PostgreSQL
/// idle workers only spin, taking the CPU a database on the same host needs (issue 14 item 8).
/// </summary>
public sealed class PoolFloorTests
{
    [Fact]
    public void PoolFloor_UnsetOnSqlite_IsFour() =>
        Assert.Equal(4, KeycardServer.PoolFloor(null, DatabaseProvider.Sqlite));

    [Fact]
    public void PoolFloor_UnsetOnPostgres_AddsNoWorkerToTheRuntimesOwn() =>
        Assert.Equal(1, KeycardServer.PoolFloor(null, DatabaseProvider.Postgres));

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void PoolFloor_Configured_WinsOnEitherDatabase(DatabaseProvider provider) =>
        Assert.Equal(6, KeycardServer.PoolFloor(6, provider));
}
