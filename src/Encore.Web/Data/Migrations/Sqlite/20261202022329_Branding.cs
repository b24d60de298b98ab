using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Encore.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Branding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BrandColor",
                table: "sellers",
                type: "TEXT",
                maxLength: 7,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LogoSha256",
                table: "sellers",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PrivacyUrl",
                table: "sellers",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RefundPolicy",
                table: "sellers",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SupportUrl",
                table: "sellers",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TermsUrl",
                table: "sellers",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ImageSha256",
                table: "products",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Opening",
                table: "offer_steps",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "brand_images",
                columns: table => new
                {
                    SellerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_brand_images", x => new { x.SellerId, x.Sha256 });
                });

            migrationBuilder.CreateIndex(
                name: "IX_brand_images_Sha256",
                table: "brand_images",
                column: "Sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "brand_images");

            migrationBuilder.DropColumn(
                name: "BrandColor",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "LogoSha256",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "PrivacyUrl",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "RefundPolicy",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "SupportUrl",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "TermsUrl",
                table: "sellers");

            migrationBuilder.DropColumn(
                name: "ImageSha256",
                table: "products");

            migrationBuilder.DropColumn(
                name: "Opening",
                table: "offer_steps");
        }
    }
}
