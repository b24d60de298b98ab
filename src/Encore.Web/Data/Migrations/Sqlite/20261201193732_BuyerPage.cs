using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BuyerPage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "buyer_erase_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SellerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ConfirmedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_buyer_erase_requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "buyer_sign_in_links",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_buyer_sign_in_links", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_buyer_erase_requests_Email",
                table: "buyer_erase_requests",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_buyer_erase_requests_SellerId_Email",
                table: "buyer_erase_requests",
                columns: new[] { "SellerId", "Email" },
                unique: true,
                filter: "\"ConfirmedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_buyer_erase_requests_SellerId_RequestedAt",
                table: "buyer_erase_requests",
                columns: new[] { "SellerId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_buyer_sign_in_links_CreatedAt",
                table: "buyer_sign_in_links",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_buyer_sign_in_links_Email_CreatedAt",
                table: "buyer_sign_in_links",
                columns: new[] { "Email", "CreatedAt" });

            // The buyer's page finds an address's orders and subscriptions in any case (lower("Email") = the address,
            // lower-case): an index on that expression each, which the model cannot declare.
            migrationBuilder.Sql("CREATE INDEX \"IX_orders_lower_Email\" ON orders (lower(\"Email\"));");
            migrationBuilder.Sql("CREATE INDEX \"IX_subscriptions_lower_Email\" ON subscriptions (lower(\"Email\"));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX \"IX_subscriptions_lower_Email\";");
            migrationBuilder.Sql("DROP INDEX \"IX_orders_lower_Email\";");

            migrationBuilder.DropTable(
                name: "buyer_erase_requests");

            migrationBuilder.DropTable(
                name: "buyer_sign_in_links");
        }
    }
}
