using Keycard.Storage.Configurations;
using Keycard.Storage.Entities;
using Keycard.Storage.SigningKeys;
using Keycard.Storage.Tokens;
using Keycard.Storage.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Keycard.Storage;

/// <summary>
/// Keycard's database: Identity's users, clients, codes and tokens, failure counters, and the Data Protection keys
/// (so every node can read another's anti-forgery tokens). Each provider has a derived context with its own migrations.
/// </summary>
public abstract class KeycardDbContext(DbContextOptions options)
    : IdentityUserContext<KeycardUser, int>(options), IDataProtectionKeyContext
{
    public DbSet<ClientEntity> Clients => Set<ClientEntity>();

    public DbSet<TokenEntity> Tokens => Set<TokenEntity>();

    public DbSet<AttemptCounterEntity> AttemptCounters => Set<AttemptCounterEntity>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SigningKeyEntity> SigningKeys => Set<SigningKeyEntity>();

    public DbSet<ConsentEntity> Consents => Set<ConsentEntity>();

    public DbSet<SignInSessionEntity> SignInSessions => Set<SignInSessionEntity>();

    /// <summary>Statements run once on the token writer's connection when it opens; null when the provider needs none.</summary>
    internal virtual string? TokenWriterSetup => null;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<KeycardUser>().ToTable("users");
        builder.Entity<KeycardUser>().Property(u => u.FirstName).HasMaxLength(Keycard.Storage.Users.UserAdministration.MaxNameLength);
        builder.Entity<KeycardUser>().Property(u => u.LastName).HasMaxLength(Keycard.Storage.Users.UserAdministration.MaxNameLength);
        builder.ApplyConfiguration(new ClientConfiguration());
        builder.ApplyConfiguration(new TokenConfiguration());
        builder.ApplyConfiguration(new AttemptCounterConfiguration());
        builder.ApplyConfiguration(new SigningKeyConfiguration());
        builder.ApplyConfiguration(new ConsentConfiguration());
        builder.ApplyConfiguration(new SignInSessionConfiguration());
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }
}
