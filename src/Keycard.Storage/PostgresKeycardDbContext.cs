using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage;

/// <summary>Several nodes on one PostgreSQL database. Migrations live in Migrations/Postgres.</summary>
public sealed class PostgresKeycardDbContext(DbContextOptions<PostgresKeycardDbContext> options) : KeycardDbContext(options);
