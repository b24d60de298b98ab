using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BillingIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_subscriptions_Status_NextChargeAt",
                table: "subscriptions");

            migrationBuilder.DropIndex(
                name: "IX_charges_GatewayPaymentId",
                table: "charges");

            migrationBuilder.DropIndex(
                name: "IX_charges_SessionId_StepId",
                table: "charges");

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_NextChargeAt",
                table: "subscriptions",
                column: "NextChargeAt",
                filter: "\"NextChargeAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_charges_GatewayPaymentId",
                table: "charges",
                column: "GatewayPaymentId",
                filter: "\"GatewayPaymentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_charges_SessionId_StepId",
                table: "charges",
                columns: new[] { "SessionId", "StepId" },
                unique: true,
                filter: "\"SessionId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_subscriptions_NextChargeAt",
                table: "subscriptions");

            migrationBuilder.DropIndex(
                name: "IX_charges_GatewayPaymentId",
                table: "charges");

            migrationBuilder.DropIndex(
                name: "IX_charges_SessionId_StepId",
                table: "charges");

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_Status_NextChargeAt",
                table: "subscriptions",
                columns: new[] { "Status", "NextChargeAt" });

            migrationBuilder.CreateIndex(
                name: "IX_charges_GatewayPaymentId",
                table: "charges",
                column: "GatewayPaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_charges_SessionId_StepId",
                table: "charges",
                columns: new[] { "SessionId", "StepId" },
                unique: true);
        }
    }
}
