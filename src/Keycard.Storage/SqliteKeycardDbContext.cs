using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage;

/// <summary>The embedded default. Migrations live in Migrations/Sqlite.</summary>
public sealed class SqliteKeycardDbContext(DbContextOptions<SqliteKeycardDbContext> options) : KeycardDbContext(options)
{
    /// <summary>
    /// The token writer's one long-lived connection (see <see cref="Tokens.TokenWriteBatcher"/>):
    /// - a 16 MiB page cache (SQLite's default is 2 MiB, per connection): an insert lands on a random leaf of the
    ///   token-hash index, and with the index in this connection's cache it is not read back from the file first.
    ///   Only this one connection gets it, so memory stays bounded however many readers the pool opens.
    /// - checkpoints every 4,000 WAL pages (16 MiB) instead of 1,000: the pages every batch rewrites (the table's last
    ///   leaf, the index tails, interior nodes) are copied into the database file once per checkpoint, so fewer
    ///   checkpoints copy fewer pages per token.
    /// - a 4 MiB journal size limit: after a checkpoint the next write starts the WAL again from its beginning, and the
    ///   file is then cut back to 4 MiB instead of staying at its largest size for ever (issue 14 item 5). Between
    ///   checkpoints the WAL still grows to about 16 MiB plus one batch: docs/reliability.md gives the disk headroom.
    /// synchronous stays at SQLite's default, FULL: every commit is flushed to disk before it returns.
    /// </summary>
    internal override string? TokenWriterSetup =>
        "PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 4000; PRAGMA journal_size_limit = 4194304;";
}
