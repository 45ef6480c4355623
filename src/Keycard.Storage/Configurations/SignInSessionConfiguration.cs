using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Keycard.Storage.Configurations;

internal sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSessionEntity>
{
    public void Configure(EntityTypeBuilder<SignInSessionEntity> builder)
    {
        builder.ToTable("sign_in_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(64);

        // Ending every session of a user, and pruning expired ones, use an index.
        builder.HasIndex(s => s.UserId);
        builder.HasIndex(s => s.ExpiresAt);
    }
}
