using System.Globalization;
using Keycard.Core;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.BenchTool;

/// <summary>
/// Authorization codes for the code-exchange scenario, written through Keycard's own <see cref="ITokenStore"/>.
/// The iOFFICE password endpoint would cost one PBKDF2 hash (about a tenth of a second) per code, so tens of
/// thousands of codes are stored directly, exactly as <c>CodeIssuer</c> stores the codes that endpoint issues
/// (no redirect URI, scope left to the token request), in batches so seeding is not one fsync per code.
/// </summary>
internal static class CodeSeeder
{
    private const int BatchSize = 2000;

    public static async Task<int> RunAsync(Arguments args)
    {
        // Seeding is not a request: on a loaded machine a batch of 2,000 codes can take longer than the server's 5 s
        // bound on a token write (Keycard:DatabaseTimeout), which would abort the whole run.
        var location = DatabaseLocation.Parse(args.Required("database")) with { Timeout = TimeSpan.FromMinutes(5) };
        var clientId = args.Required("client");
        var userId = args.Int("user-id", 1);
        var count = args.Int("count", 1000);
        var lifetime = TimeSpan.Parse(args.Optional("lifetime", "00:30:00"), CultureInfo.InvariantCulture);
        var output = args.Required("out");

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKeycardCore();
        services.AddKeycardStorage(location);
        await using var provider = services.BuildServiceProvider();

        var time = provider.GetRequiredService<TimeProvider>();
        await using var writer = new StreamWriter(output);
        for (var written = 0; written < count; written += BatchSize)
        {
            await using var scope = provider.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            var now = time.GetUtcNow();
            var batch = new List<StoredToken>(BatchSize);
            for (var i = 0; i < Math.Min(BatchSize, count - written); i++)
            {
                var code = SecureToken.GenerateOrdered(now);
                batch.Add(new StoredToken
                {
                    Hash = SecureToken.StorageKey(code),
                    Kind = TokenKind.AuthorizationCode,
                    ClientId = clientId,
                    UserId = userId,
                    Scope = "",
                    ScopeOpen = true,
                    FamilyId = Guid.CreateVersion7(now).ToString("N"),
                    CreatedAt = now,
                    ExpiresAt = now + lifetime,
                });
                await writer.WriteLineAsync(code);
            }

            await store.AddAsync(batch, CancellationToken.None);
        }

        return 0;
    }
}
