using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RefundStates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "sandbox_refunds",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                // Every Sandbox refund before this migration succeeded at once.
                defaultValue: "Succeeded");

            migrationBuilder.CreateIndex(
                name: "IX_refunds_GatewayRefundId",
                table: "refunds",
                column: "GatewayRefundId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_refunds_GatewayRefundId",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "sandbox_refunds");
        }
    }
}
