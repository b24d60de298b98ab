using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Encore.Web.Data;

internal sealed class BuyerConfiguration : IEntityTypeConfiguration<BuyerSignInLink>, IEntityTypeConfiguration<BuyerEraseRequest>
{
    public void Configure(EntityTypeBuilder<BuyerSignInLink> builder)
    {
        builder.ToTable("buyer_sign_in_links");
        builder.Property(l => l.Email).HasMaxLength(320);
        builder.Property(l => l.RequestIp).HasMaxLength(64);
        // The per-address limit counts an address's recent links; pruning deletes by age.
        builder.HasIndex(l => new { l.Email, l.CreatedAt });
        builder.HasIndex(l => l.CreatedAt);
    }

    public void Configure(EntityTypeBuilder<BuyerEraseRequest> builder)
    {
        builder.ToTable("buyer_erase_requests");
        builder.Property(r => r.Email).HasMaxLength(320);
        builder.Property(r => r.Reason).HasMaxLength(2000);
        builder.Property(r => r.ConfirmedBy).HasMaxLength(200);
        builder.HasIndex(r => new { r.SellerId, r.RequestedAt });
        builder.HasIndex(r => r.Email);
        // One open request per seller and address, whatever is clicked at once; a confirmed one leaves room for the next.
        builder.HasIndex(r => new { r.SellerId, r.Email }).IsUnique().HasFilter("\"ConfirmedAt\" IS NULL");
    }
}
