using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Keycard.Storage.Configurations;

internal sealed class ClientConfiguration : IEntityTypeConfiguration<ClientEntity>
{
    public void Configure(EntityTypeBuilder<ClientEntity> builder)
    {
        builder.ToTable("clients");
        builder.HasKey(c => c.ClientId);
        builder.Property(c => c.ClientId).HasMaxLength(200);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.AppCode).HasMaxLength(200);
        builder.Property(c => c.SecretHash).HasMaxLength(32);
        builder.Property(c => c.AccessTokenFormat).HasMaxLength(20).HasDefaultValue("opaque");
        builder.Property(c => c.SigningAlgorithm).HasMaxLength(20);
    }
}
