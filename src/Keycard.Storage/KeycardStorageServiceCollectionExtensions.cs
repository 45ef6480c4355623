using Keycard.Core.Diagnostics;
using Keycard.Core.Signing;
using Keycard.Core.Storage;
using Keycard.Storage.Caching;
using Keycard.Storage.Faults;
using Keycard.Storage.SigningKeys;
using Keycard.Storage.Stores;
using Keycard.Storage.Tokens;
using Keycard.Storage.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Keycard.Storage;

public static class KeycardStorageServiceCollectionExtensions
{
    /// <summary>
    /// OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA512 needs at least 210,000 iterations. Identity's V3
    /// format records the count in each hash, so raising it later rehashes passwords at their next sign-in.
    /// </summary>
    public const int PasswordHashIterations = 210_000;

    /// <summary>
    /// Registers the stores for <paramref name="provider"/>. The connection string is read from the registered
    /// <see cref="DatabaseLocation"/> when the first context is made, so a host (or a test) can still replace it.
    /// </summary>
    public static IServiceCollection AddKeycardStorage(this IServiceCollection services, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextPool<KeycardDbContext, SqliteKeycardDbContext>(
                (sp, o) => QuietFailures(o.UseSqlite(sp.GetRequiredService<DatabaseLocation>().ConnectionString)));
        }
        else
        {
            services.AddDbContextPool<KeycardDbContext, PostgresKeycardDbContext>(
                (sp, o) => QuietFailures(o.UseNpgsql(sp.GetRequiredService<DatabaseLocation>().ConnectionString)));
        }

        // The hot read paths go through short-lived caches (Caching/StoreCacheOptions: 1 s by default).
        services.TryAddSingleton<KeycardTelemetry>();
        services.AddOptions<StoreCacheOptions>();
        services.AddSingleton<StoreCache>();
        services.AddSingleton<DatabaseHealth>();
        services.AddScoped<ISignInSessionStore, EfSignInSessionStore>();
        services.AddScoped<EfClientStore>();
        services.AddScoped<IClientStore, CachingClientStore>();
        services.AddScoped<EfTokenStore>();
        services.AddSingleton<TokenReader>();
        services.AddSingleton<TokenWriteBatcher>();
        services.AddScoped<ITokenStore, CachingTokenStore>();
        services.AddScoped<EfAttemptThrottle>();
        services.AddScoped<IAttemptThrottle, CachingAttemptThrottle>();
        services.AddScoped<IUserAuthenticator, IdentityUserAuthenticator>();
        services.AddScoped<IdentityUserDirectory>();
        services.AddScoped<IUserDirectory, CachingUserDirectory>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<TokenAdministration>();
        services.AddScoped<KeycardDatabase>();

        // Signing keys (issue 16): encrypted with the key-encryption key, which the host registers.
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SigningKeyOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<SigningKeyAdministration>();
        services.AddSingleton<DatabaseSigningKeyRing>();
        services.AddSingleton<ISigningKeyRing>(sp => sp.GetRequiredService<DatabaseSigningKeyRing>());

        services.AddIdentityCore<KeycardUser>(o =>
            {
                // NIST SP 800-63B §5.1.1.2 / OWASP: length over composition rules.
                o.Password.RequiredLength = 8;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<KeycardDbContext>();
        services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = PasswordHashIterations;
        });
        return services;
    }

    /// <summary>
    /// EF Core logs every failed command, query and save at Error with the exception's stack trace, which during a
    /// database outage is one stack trace per request (issue 14 saw 51 MB of logs in 15 s). The exception reaches the
    /// caller either way: the server answers 503 and logs the outage once (DatabaseHealth), or logs a bug once.
    /// </summary>
    private static DbContextOptionsBuilder QuietFailures(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log(
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug)));

    public static IServiceCollection AddKeycardStorage(this IServiceCollection services, DatabaseLocation database)
    {
        services.AddSingleton(database);
        return services.AddKeycardStorage(database.Provider);
    }
}
