using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Keycard.Storage.Faults;

/// <summary>
/// Tells a database that is unavailable (down, frozen, out of disk, read-only, too slow) from a bug. The first is
/// answered 503 <c>temporarily_unavailable</c> with Retry-After (RFC 6749 §4.1.2.1 and §5.2) and goes away by itself
/// when the database returns; the second stays a 500.
/// </summary>
public static class DatabaseFault
{
    // SQLite result codes (https://sqlite.org/rescode.html) that say "not now", not "wrong SQL".
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteNoMem = 7;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteProtocol = 15;

    /// <summary>The exception, or one it wraps, that says the database is unavailable; null when none does.</summary>
    public static Exception? FindUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (IsUnavailable(e))
            {
                return e;
            }
        }

        return null;
    }

    private static bool IsUnavailable(Exception e) => e switch
    {
        TimeoutException => true,
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteNoMem or SqliteReadOnly
            or SqliteIoErr or SqliteFull or SqliteCantOpen or SqliteProtocol,

        // PostgreSQL SQLSTATE classes: 08 connection exception, 53 insufficient resources (disk full, out of memory,
        // too many connections), 57 operator intervention (shutdown, cannot connect now), 58 system error.
        PostgresException postgres => postgres.SqlState.Length >= 2 && postgres.SqlState[..2] is "08" or "53" or "57" or "58",

        // Npgsql's own errors without a server answer: connection refused or broken, timeouts.
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        DbException => false,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };
}
