using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Encore.Web.Data;

internal sealed class TeamConfiguration : IEntityTypeConfiguration<SellerInvite>, IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<SellerInvite> builder)
    {
        builder.ToTable("seller_invites");
        builder.Property(i => i.Email).HasMaxLength(256);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => new { i.SellerId, i.Email });
    }

    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.Property(e => e.Actor).HasMaxLength(300);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.SubjectId).HasMaxLength(100);
        builder.Property(e => e.Details).HasMaxLength(4000);
        builder.Property(e => e.IpAddress).HasMaxLength(64);
        // The page and the exports read one seller's entries newest first, all or of one action.
        builder.HasIndex(e => new { e.SellerId, e.At });
        builder.HasIndex(e => new { e.SellerId, e.Action, e.At });
    }
}
