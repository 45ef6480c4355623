using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Keycard.Storage.Migrations.Postgres
{
    /// <summary>
    /// PostgreSQL only: the tokens table keeps 20% of each page free (fillfactor 80), so consuming a code or refresh
    /// token (setting ConsumedAt, which no index covers) is a HOT update: the new row version stays on its page and
    /// none of the table's five indexes gets a new entry. Pages written before this migration fill up as before; new
    /// pages get the room.
    /// </summary>
    public partial class TokenFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "tokens")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "tokens")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);
        }
    }
}
