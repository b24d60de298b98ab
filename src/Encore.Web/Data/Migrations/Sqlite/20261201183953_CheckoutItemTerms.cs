using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CheckoutItemTerms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Terms",
                table: "order_bumps",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MainTerms",
                table: "funnel_versions",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Terms",
                table: "order_bumps");

            migrationBuilder.DropColumn(
                name: "MainTerms",
                table: "funnel_versions");
        }
    }
}
