using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Keycard.Storage.Tokens;

internal sealed class TokenConfiguration : IEntityTypeConfiguration<TokenEntity>
{
    public void Configure(EntityTypeBuilder<TokenEntity> builder)
    {
        builder.ToTable("tokens");

        // The SHA-256 of the value is the key: validating a token is one hash and one primary-key lookup.
        builder.HasKey(t => t.Hash);
        builder.Property(t => t.Hash).HasMaxLength(Keycard.Core.Security.SecureToken.StorageKeyLength);
        builder.Property(t => t.ClientId).HasMaxLength(200);
        builder.Property(t => t.FamilyId).HasMaxLength(32);
        builder.Property(t => t.Scope).HasMaxLength(1000);
        builder.Property(t => t.RedirectUri).HasMaxLength(2000);
        builder.Property(t => t.CodeChallenge).HasMaxLength(64);
        builder.Property(t => t.Nonce).HasMaxLength(500);
        builder.Property(t => t.Resource).HasMaxLength(2000);
        builder.Property(t => t.SessionId).HasMaxLength(64);

        // Family revocation (RFC 9700 §4.14.2) and pruning use an index, never a scan: pruning looks for rows that
        // expired or were revoked before the cutoff, one index for each side of the OR.
        builder.HasIndex(t => t.FamilyId);
        builder.HasIndex(t => t.ExpiresAt);
        builder.HasIndex(t => t.RevokedAt);
        builder.HasIndex(t => t.UserId);
    }
}
