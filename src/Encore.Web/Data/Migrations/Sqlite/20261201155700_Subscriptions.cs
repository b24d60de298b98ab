using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Subscriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_email_messages_OrderId_Kind",
                table: "email_messages");

            migrationBuilder.AddColumn<int>(
                name: "Terms_Payments",
                table: "prices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PaymentIndex",
                table: "orders",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "order_lines",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Price_Payments",
                table: "order_bumps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Price_Payments",
                table: "offer_steps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MainPrice_Payments",
                table: "funnel_versions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reference",
                table: "email_messages",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "email_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "StepId",
                table: "consent_records",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AlterColumn<Guid>(
                name: "SessionId",
                table: "consent_records",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<Guid>(
                name: "OrderLineId",
                table: "consent_records",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Attempt",
                table: "charges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PaymentIndex",
                table: "charges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "charges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "dunning_settings",
                columns: table => new
                {
                    SellerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RetryDays = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PauseAfterLastRetry = table.Column<bool>(type: "INTEGER", nullable: false),
                    TrialReminderDays = table.Column<int>(type: "INTEGER", nullable: false),
                    YearlyReminderDays = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dunning_settings", x => x.SellerId);
                });

            migrationBuilder.CreateTable(
                name: "subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SellerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FunnelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FunnelVersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    BuyerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Interval = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    IntervalCount = table.Column<int>(type: "INTEGER", nullable: false),
                    TrialDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Payments = table.Column<int>(type: "INTEGER", nullable: true),
                    GatewayCustomerId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PaymentMethodId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CardBrand = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CardLast4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstPaymentAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PaymentsMade = table.Column<int>(type: "INTEGER", nullable: false),
                    NextPayment = table.Column<int>(type: "INTEGER", nullable: false),
                    NextChargeAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CurrentPeriodEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    CancelAtPeriodEnd = table.Column<bool>(type: "INTEGER", nullable: false),
                    CanceledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CancelReason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FailedAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    DunningStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastDeclineCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    RemindedForPayment = table.Column<int>(type: "INTEGER", nullable: true),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    ConsentRecordId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_orders_SubscriptionId_PaymentIndex",
                table: "orders",
                columns: new[] { "SubscriptionId", "PaymentIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_email_messages_OrderId_Kind_Reference",
                table: "email_messages",
                columns: new[] { "OrderId", "Kind", "Reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_charges_SubscriptionId_PaymentIndex_Attempt",
                table: "charges",
                columns: new[] { "SubscriptionId", "PaymentIndex", "Attempt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_OrderId",
                table: "subscriptions",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_SellerId_CreatedAt",
                table: "subscriptions",
                columns: new[] { "SellerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_SellerId_Email",
                table: "subscriptions",
                columns: new[] { "SellerId", "Email" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_Status_NextChargeAt",
                table: "subscriptions",
                columns: new[] { "Status", "NextChargeAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dunning_settings");

            migrationBuilder.DropTable(
                name: "subscriptions");

            migrationBuilder.DropIndex(
                name: "IX_orders_SubscriptionId_PaymentIndex",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_email_messages_OrderId_Kind_Reference",
                table: "email_messages");

            migrationBuilder.DropIndex(
                name: "IX_charges_SubscriptionId_PaymentIndex_Attempt",
                table: "charges");

            migrationBuilder.DropColumn(
                name: "Terms_Payments",
                table: "prices");

            migrationBuilder.DropColumn(
                name: "PaymentIndex",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "Price_Payments",
                table: "order_bumps");

            migrationBuilder.DropColumn(
                name: "Price_Payments",
                table: "offer_steps");

            migrationBuilder.DropColumn(
                name: "MainPrice_Payments",
                table: "funnel_versions");

            migrationBuilder.DropColumn(
                name: "Reference",
                table: "email_messages");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "email_messages");

            migrationBuilder.DropColumn(
                name: "OrderLineId",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "Attempt",
                table: "charges");

            migrationBuilder.DropColumn(
                name: "PaymentIndex",
                table: "charges");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "charges");

            migrationBuilder.AlterColumn<Guid>(
                name: "StepId",
                table: "consent_records",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "SessionId",
                table: "consent_records",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_email_messages_OrderId_Kind",
                table: "email_messages",
                columns: new[] { "OrderId", "Kind" },
                unique: true);
        }
    }
}
