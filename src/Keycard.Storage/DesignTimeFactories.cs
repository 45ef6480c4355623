using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Keycard.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context without a running server.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteKeycardDbContext>
{
    public SqliteKeycardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteKeycardDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresKeycardDbContext>
{
    public PostgresKeycardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresKeycardDbContext>().UseNpgsql("Host=localhost;Database=keycard_design").Options);
}
