using Keycard.Storage.Faults;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Keycard.Storage.Tests;

/// <summary>
/// Issue 14 item 3: an unavailable database (answered 503 temporarily_unavailable, RFC 6749 §5.2) is told apart from
/// a bug (still a 500), whatever wraps the provider's exception.
/// </summary>
public sealed class DatabaseFaultTests
{
    public static TheoryData<Exception> Unavailable() =>
    [
        new SqliteException("database or disk is full", 13),
        new SqliteException("attempt to write a readonly database", 8),
        new SqliteException("database is locked", 5),
        new SqliteException("disk I/O error", 10 | (3 << 8)),
        new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03"),
        new PostgresException("could not extend file: No space left on device", "ERROR", "ERROR", "53100"),
        new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        new TimeoutException(),
        new InvalidOperationException("An exception was thrown while executing a query.", new SqliteException("database is locked", 5)),
    ];

    public static TheoryData<Exception> Bugs() =>
    [
        new SqliteException("UNIQUE constraint failed: tokens.Hash", 19),
        new SqliteException("no such table: tokens", 1),
        new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"),
        new PostgresException("relation \"tokens\" does not exist", "ERROR", "ERROR", "42P01"),
        new InvalidOperationException("a bug"),
    ];

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void FindUnavailable_DatabaseDownFullLockedOrSlow_FindsIt(Exception exception) =>
        Assert.NotNull(DatabaseFault.FindUnavailable(exception));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void FindUnavailable_ConstraintSchemaOrCodeError_FindsNothing(Exception exception) =>
        Assert.Null(DatabaseFault.FindUnavailable(exception));
}
