using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Keycard.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OpenIdConnect : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AuthTime",
                table: "tokens",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Nonce",
                table: "tokens",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Resource",
                table: "tokens",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SessionId",
                table: "tokens",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AccessTokenFormat",
                table: "clients",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "opaque");

            migrationBuilder.AddColumn<bool>(
                name: "IsThirdParty",
                table: "clients",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<List<string>>(
                name: "PostLogoutRedirectUris",
                table: "clients",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<List<string>>(
                name: "Resources",
                table: "clients",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<string>(
                name: "SigningAlgorithm",
                table: "clients",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "consents",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    ClientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Scopes = table.Column<List<string>>(type: "text[]", nullable: false),
                    GrantedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consents", x => new { x.UserId, x.ClientId });
                });

            migrationBuilder.CreateTable(
                name: "sign_in_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    AuthTime = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    EndedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sign_in_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_consents_ClientId",
                table: "consents",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_sign_in_sessions_ExpiresAt",
                table: "sign_in_sessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_sign_in_sessions_UserId",
                table: "sign_in_sessions",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consents");

            migrationBuilder.DropTable(
                name: "sign_in_sessions");

            migrationBuilder.DropColumn(
                name: "AuthTime",
                table: "tokens");

            migrationBuilder.DropColumn(
                name: "Nonce",
                table: "tokens");

            migrationBuilder.DropColumn(
                name: "Resource",
                table: "tokens");

            migrationBuilder.DropColumn(
                name: "SessionId",
                table: "tokens");

            migrationBuilder.DropColumn(
                name: "AccessTokenFormat",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "IsThirdParty",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "PostLogoutRedirectUris",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "Resources",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "SigningAlgorithm",
                table: "clients");
        }
    }
}
