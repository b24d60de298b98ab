using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ThankYouPageAndSigning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_downloads_OrderLineId_DeliverableId",
                table: "downloads");

            migrationBuilder.AddColumn<string>(
                name: "SigningSecret",
                table: "sellers",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ThankYouUrl",
                table: "funnel_versions",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Number",
                table: "downloads",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Downloads recorded before numbering: 1, 2, … per line and deliverable, in the order they happened.
            migrationBuilder.Sql("""UPDATE downloads SET "Number" = (SELECT count(*) FROM downloads AS earlier WHERE earlier."OrderLineId" = downloads."OrderLineId" AND earlier."DeliverableId" = downloads."DeliverableId" AND (earlier."At" < downloads."At" OR (earlier."At" = downloads."At" AND earlier."Id" <= downloads."Id")));""");

            migrationBuilder.CreateIndex(
                name: "IX_downloads_OrderLineId_DeliverableId_Number",
                table: "downloads",
                columns: new[] { "OrderLineId", "DeliverableId", "Number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_downloads_OrderLineId_DeliverableId_Number",
                table: "downloads");

            migrationBuilder.DropColumn(
                name: "SigningSecret",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "ThankYouUrl",
                table: "funnel_versions");

            migrationBuilder.DropColumn(
                name: "Number",
                table: "downloads");

            migrationBuilder.CreateIndex(
                name: "IX_downloads_OrderLineId_DeliverableId",
                table: "downloads",
                columns: new[] { "OrderLineId", "DeliverableId" });
        }
    }
}
