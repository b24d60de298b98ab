using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ForgetOfferCards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CardForgottenAt",
                table: "post_purchase_sessions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_PaymentMethodId",
                table: "subscriptions",
                column: "PaymentMethodId");

            migrationBuilder.CreateIndex(
                name: "IX_post_purchase_sessions_cards_held",
                table: "post_purchase_sessions",
                column: "ExpiresAt",
                filter: "\"PaymentMethodId\" IS NOT NULL AND \"CardForgottenAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_subscriptions_PaymentMethodId",
                table: "subscriptions");

            migrationBuilder.DropIndex(
                name: "IX_post_purchase_sessions_cards_held",
                table: "post_purchase_sessions");

            migrationBuilder.DropColumn(
                name: "CardForgottenAt",
                table: "post_purchase_sessions");
        }
    }
}
