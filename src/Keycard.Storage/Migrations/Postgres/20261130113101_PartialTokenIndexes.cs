using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Keycard.Storage.Migrations.Postgres
{
    /// <summary>
    /// IX_tokens_RevokedAt and IX_tokens_UserId become partial indexes (WHERE the column IS NOT NULL): a token with no
    /// user (client_credentials) and not revoked, i.e. nearly every row written, gets no entry in either, so its
    /// commit writes two B-tree pages fewer. Dropping and creating two indexes keeps every row; building them reads
    /// the table once.
    /// </summary>
    public partial class PartialTokenIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tokens_RevokedAt",
                table: "tokens");

            migrationBuilder.DropIndex(
                name: "IX_tokens_UserId",
                table: "tokens");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_RevokedAt",
                table: "tokens",
                column: "RevokedAt",
                filter: "\"RevokedAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_UserId",
                table: "tokens",
                column: "UserId",
                filter: "\"UserId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tokens_RevokedAt",
                table: "tokens");

            migrationBuilder.DropIndex(
                name: "IX_tokens_UserId",
                table: "tokens");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_RevokedAt",
                table: "tokens",
                column: "RevokedAt");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_UserId",
                table: "tokens",
                column: "UserId");
        }
    }
}
