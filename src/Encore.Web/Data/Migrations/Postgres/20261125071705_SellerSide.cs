using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SellerSide : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_offer_steps_FunnelVersionId",
                table: "offer_steps");

            migrationBuilder.AddColumn<long>(
                name: "RefundedAmount",
                table: "order_lines",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<Guid>(
                name: "PriceId",
                table: "order_bumps",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Key",
                table: "offer_steps",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "PriceId",
                table: "offer_steps",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Terms",
                table: "offer_steps",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "funnels",
                type: "character varying(3)",
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "MainPriceId",
                table: "funnel_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "UpdatedAt",
                table: "funnel_versions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // Rows from before this migration: steps get their id as their key, funnels the currency they sell in.
            migrationBuilder.Sql("UPDATE offer_steps SET \"Key\" = lower(CAST(\"Id\" AS TEXT)) WHERE \"Key\" = '';");
            migrationBuilder.Sql("UPDATE funnels SET \"Currency\" = COALESCE((SELECT v.\"Currency\" FROM funnel_versions v WHERE v.\"FunnelId\" = funnels.\"Id\" ORDER BY v.\"Number\" LIMIT 1), 'USD') WHERE \"Currency\" = '';");

            migrationBuilder.CreateTable(
                name: "prices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SellerId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                    Archived = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Terms_Amount = table.Column<long>(type: "bigint", nullable: false),
                    Terms_Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Terms_Interval = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Terms_IntervalCount = table.Column<int>(type: "integer", nullable: false),
                    Terms_TrialDays = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "refunds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SellerId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderLineId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChargeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    GatewayRefundId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FailureMessage = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    RequestedBy = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SettledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_refunds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_refunds_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_post_purchase_sessions_FunnelVersionId_CreatedAt",
                table: "post_purchase_sessions",
                columns: new[] { "FunnelVersionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_FunnelId_PaidAt",
                table: "orders",
                columns: new[] { "FunnelId", "PaidAt" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_SellerId_Email",
                table: "orders",
                columns: new[] { "SellerId", "Email" });

            migrationBuilder.CreateIndex(
                name: "IX_offer_steps_FunnelVersionId_Key",
                table: "offer_steps",
                columns: new[] { "FunnelVersionId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_prices_SellerId_ProductId",
                table: "prices",
                columns: new[] { "SellerId", "ProductId" });

            migrationBuilder.CreateIndex(
                name: "IX_refunds_IdempotencyKey",
                table: "refunds",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_refunds_OrderId",
                table: "refunds",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_refunds_Status_CreatedAt",
                table: "refunds",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prices");

            migrationBuilder.DropTable(
                name: "refunds");

            migrationBuilder.DropIndex(
                name: "IX_post_purchase_sessions_FunnelVersionId_CreatedAt",
                table: "post_purchase_sessions");

            migrationBuilder.DropIndex(
                name: "IX_orders_FunnelId_PaidAt",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_orders_SellerId_Email",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_offer_steps_FunnelVersionId_Key",
                table: "offer_steps");

            migrationBuilder.DropColumn(
                name: "RefundedAmount",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "PriceId",
                table: "order_bumps");

            migrationBuilder.DropColumn(
                name: "Key",
                table: "offer_steps");

            migrationBuilder.DropColumn(
                name: "PriceId",
                table: "offer_steps");

            migrationBuilder.DropColumn(
                name: "Terms",
                table: "offer_steps");

            migrationBuilder.DropColumn(
                name: "Currency",
                table: "funnels");

            migrationBuilder.DropColumn(
                name: "MainPriceId",
                table: "funnel_versions");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "funnel_versions");

            migrationBuilder.CreateIndex(
                name: "IX_offer_steps_FunnelVersionId",
                table: "offer_steps",
                column: "FunnelVersionId");
        }
    }
}
