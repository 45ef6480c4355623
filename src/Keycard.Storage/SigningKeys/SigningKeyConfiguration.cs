using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Keycard.Storage.SigningKeys;

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKeyEntity>
{
    public void Configure(EntityTypeBuilder<SigningKeyEntity> builder)
    {
        builder.ToTable("signing_keys");
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasMaxLength(64);
        builder.Property(k => k.Algorithm).HasMaxLength(16);
        builder.Property(k => k.PublicJwk).HasMaxLength(4000);
        builder.Property(k => k.KeyEncryptionKeyId).HasMaxLength(64);
        builder.HasIndex(k => k.ExpiresAt);
    }
}
