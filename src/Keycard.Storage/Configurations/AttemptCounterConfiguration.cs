using Keycard.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Keycard.Storage.Configurations;

internal sealed class AttemptCounterConfiguration : IEntityTypeConfiguration<AttemptCounterEntity>
{
    public void Configure(EntityTypeBuilder<AttemptCounterEntity> builder)
    {
        builder.ToTable("attempt_counters");
        builder.HasKey(c => c.Key);
        builder.Property(c => c.Key).HasMaxLength(Keycard.Core.Storage.AttemptKeys.MaxLength);
    }
}
