using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Keycard.Storage.Tokens;

internal sealed class TokenConfiguration : IEntityTypeConfiguration<TokenEntity>
{
    /// <summary>The filter of IX_tokens_RevokedAt: the same SQL on both providers.</summary>
    internal const string RevokedFilter = "\"RevokedAt\" IS NOT NULL";

    /// <summary>The filter of IX_tokens_UserId.</summary>
    internal const string UserFilter = "\"UserId\" IS NOT NULL";

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

        // Partial: only rows that were revoked, or that belong to a user, have an entry. A client_credentials token has
        // neither, so its insert writes no page of these two indexes; a token is revoked once, at most. Every query
        // that reads them still can (SQLite and PostgreSQL use a partial index when the query's WHERE implies its
        // filter, and "x = @p" or "x < @p" implies "x IS NOT NULL"): revoking or removing a user's tokens
        // ("UserId" = @p), pruning revoked rows ("RevokedAt" < @cutoff), finding the families just revoked
        // ("RevokedAt" = @now). "RevokedAt" IS NULL can no longer pick the RevokedAt index (whose IS NULL range was
        // every live token). The plan tests (TokenIndexPlanContract, storage tests) hold each query to its index.
        builder.HasIndex(t => t.RevokedAt).HasFilter(RevokedFilter);
        builder.HasIndex(t => t.UserId).HasFilter(UserFilter);
    }
}
