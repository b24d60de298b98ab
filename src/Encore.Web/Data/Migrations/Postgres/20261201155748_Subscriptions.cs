using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Postgres
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
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PaymentIndex",
                table: "orders",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "order_lines",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Price_Payments",
                table: "order_bumps",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Price_Payments",
                table: "offer_steps",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MainPrice_Payments",
                table: "funnel_versions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reference",
                table: "email_messages",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "email_messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "StepId",
                table: "consent_records",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AlterColumn<Guid>(
                name: "SessionId",
                table: "consent_records",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "OrderLineId",
                table: "consent_records",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Attempt",
                table: "charges",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PaymentIndex",
                table: "charges",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "charges",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "dunning_settings",
                columns: table => new
                {
                    SellerId = table.Column<Guid>(type: "uuid", nullable: false),
                    RetryDays = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PauseAfterLastRetry = table.Column<bool>(type: "boolean", nullable: false),
                    TrialReminderDays = table.Column<int>(type: "integer", nullable: false),
                    YearlyReminderDays = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dunning_settings", x => x.SellerId);
                });

            migrationBuilder.CreateTable(
                name: "subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SellerId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    FunnelId = table.Column<Guid>(type: "uuid", nullable: false),
                    FunnelVersionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    BuyerName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Interval = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IntervalCount = table.Column<int>(type: "integer", nullable: false),
                    TrialDays = table.Column<int>(type: "integer", nullable: false),
                    Payments = table.Column<int>(type: "integer", nullable: true),
                    GatewayCustomerId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PaymentMethodId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CardBrand = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CardLast4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FirstPaymentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PaymentsMade = table.Column<int>(type: "integer", nullable: false),
                    NextPayment = table.Column<int>(type: "integer", nullable: false),
                    NextChargeAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CurrentPeriodEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CancelAtPeriodEnd = table.Column<bool>(type: "boolean", nullable: false),
                    CanceledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelReason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FailedAttempts = table.Column<int>(type: "integer", nullable: false),
                    DunningStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastDeclineCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RemindedForPayment = table.Column<int>(type: "integer", nullable: true),
                    LockedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConsentRecordId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "SessionId",
                table: "consent_records",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_email_messages_OrderId_Kind",
                table: "email_messages",
                columns: new[] { "OrderId", "Kind" },
                unique: true);
        }
    }
}
