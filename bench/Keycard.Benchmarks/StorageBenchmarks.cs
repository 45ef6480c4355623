using BenchmarkDotNet.Attributes;
using Keycard.Core;
using Keycard.Core.Security;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage;
using Keycard.Storage.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Benchmarks;

/// <summary>
/// One token lookup through the public DI, as an API call makes it on a cache miss: a scope, ITokenStore with the
/// memory cache turned off, and the prepared primary-key query of TokenReader on SQLite. The table holds
/// <see cref="Rows"/> tokens.
/// </summary>
[MemoryDiagnoser]
public class StorageBenchmarks
{
    private ServiceProvider _provider = null!;
    private string _path = "";
    private byte[] _hit = [];
    private byte[] _miss = [];

    [Params(10_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"keycard-bench-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKeycardCore();
        services.AddKeycardStorage(DatabaseLocation.Parse(_path));
        services.Configure<StoreCacheOptions>(o => o.Duration = TimeSpan.Zero);
        _provider = services.BuildServiceProvider();

        await using (var scope = _provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None);
        }

        var now = DateTimeOffset.UtcNow;
        for (var written = 0; written < Rows; written += 1000)
        {
            await using var scope = _provider.CreateAsyncScope();
            var batch = new List<StoredToken>();
            for (var i = 0; i < 1000; i++)
            {
                var hash = SecureToken.StorageKey(SecureToken.GenerateOrdered(now));
                if (written + i == Rows / 2)
                {
                    _hit = hash;
                }

                batch.Add(new StoredToken
                {
                    Hash = hash,
                    Kind = TokenKind.AccessToken,
                    ClientId = "bench",
                    UserId = 1,
                    Scope = "email",
                    FamilyId = Guid.CreateVersion7(now).ToString("N"),
                    CreatedAt = now,
                    ExpiresAt = now.AddHours(1),
                });
            }

            await scope.ServiceProvider.GetRequiredService<ITokenStore>().AddAsync(batch, CancellationToken.None);
        }

        _miss = SecureToken.StorageKey(SecureToken.GenerateOrdered(now));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Benchmark(Description = "ITokenStore.FindAsync from SQLite, found")]
    public async Task<StoredToken?> FindHit()
    {
        await using var scope = _provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindAsync(_hit, CancellationToken.None);
    }

    [Benchmark(Description = "ITokenStore.FindAsync from SQLite, not found")]
    public async Task<StoredToken?> FindMiss()
    {
        await using var scope = _provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenStore>().FindAsync(_miss, CancellationToken.None);
    }
}
