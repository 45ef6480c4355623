using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage;

/// <summary>The embedded default. Migrations live in Migrations/Sqlite.</summary>
public sealed class SqliteKeycardDbContext(DbContextOptions<SqliteKeycardDbContext> options) : KeycardDbContext(options);
