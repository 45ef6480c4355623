using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Keycard.Storage.Configurations;

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<ConsentEntity>
{
    public void Configure(EntityTypeBuilder<ConsentEntity> builder)
    {
        builder.ToTable("consents");
        builder.HasKey(c => new { c.UserId, c.ClientId });
        builder.Property(c => c.ClientId).HasMaxLength(200);

        // `keycard consent revoke --client` and client removal find a client's consents without a scan.
        builder.HasIndex(c => c.ClientId);
    }
}
