namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>
/// The base of every contract suite: one database per test class, and a skip (never a pass) when the provider is not
/// available locally. Tests in the suites use <c>[SkippableFact]</c> so the skip below is reported as one.
/// </summary>
public abstract class StoreContract<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : TestDatabase
{
    protected StoreContract(TDatabase database)
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        Database = database;
    }

    protected TDatabase Database { get; }
}
