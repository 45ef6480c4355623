using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Keycard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OrderedTokenKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // No schema change: the token key grows from 32 to 38 bytes (SecureToken.StorageKeyLength: the issue time,
            // then the SHA-256), and the key column is BLOB on SQLite and bytea on PostgreSQL, which take any length.
            // Rows stored under a plain SHA-256 by earlier builds stay valid.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
