using Keycard.Storage.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage;

/// <summary>Several nodes on one PostgreSQL database. Migrations live in Migrations/Postgres.</summary>
public sealed class PostgresKeycardDbContext(DbContextOptions<PostgresKeycardDbContext> options) : KeycardDbContext(options)
{
    /// <summary>
    /// Consuming a code or refresh token sets ConsumedAt, which no index covers: with room left on the row's page
    /// (fillfactor 80, PostgreSQL's default is 100) the update is HOT, a new row version on the same page and no new
    /// entry in any of the table's five indexes (issue 14 item 8). SQLite updates rows in place and has no such setting.
    /// </summary>
    public const int TokenFillFactor = 80;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<TokenEntity>().HasStorageParameter("fillfactor", TokenFillFactor);
    }
}
