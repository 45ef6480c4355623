using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Keycard.Storage.Tests.Postgres;

/// <summary>
/// Issue 14 item 8: consuming a code or refresh token sets ConsumedAt, which no index covers. With room left on the
/// row's page (the tokens table's fillfactor) PostgreSQL makes it a HOT update: the new row version stays on the same
/// page and none of the five indexes gets an entry. On full pages (fillfactor 100) the version moves to another page
/// and every index is written.
/// </summary>
public sealed class PostgresTokenPageTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static readonly DateTimeOffset Now = TestDatabase.Start;

    [SkippableFact]
    public async Task Exchange_TokensTable_ConsumesInPlaceOnTheRowsPage()
    {
        Skip.If(database.Unavailable is not null, database.Unavailable);
        var tokens = Enumerable.Range(0, 400).Select(_ => WideToken(TokenKind.RefreshToken)).ToArray();
        await database.AddTokensAsync(tokens);

        // One token in eight: their new versions fit in the room the fillfactor leaves, without relying on pruning.
        var consumed = tokens.Where((_, i) => i % 8 == 0).ToArray();
        var before = await PagesAsync(consumed);
        foreach (var token in consumed)
        {
            Assert.True(await database.InScopeAsync(sp =>
                sp.GetRequiredService<ITokenStore>().ExchangeAsync(token.Hash, Now, [WideToken(TokenKind.AccessToken)], CancellationToken.None)));
        }

        var after = await PagesAsync(consumed);
        Assert.Equal(before.Count, after.Count);
        var moved = before.Count(pair => after[pair.Key] != pair.Value);
        Assert.Equal(0, moved);
    }

    /// <summary>Each token's heap page (the block of its ctid), keyed by the hash in hex.</summary>
    private async Task<Dictionary<string, long>> PagesAsync(StoredToken[] tokens)
    {
        await using var connection = new NpgsqlConnection(database.Location.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT encode("Hash", 'hex'), (ctid::text::point)[0]::bigint FROM tokens WHERE "Hash" = ANY($1)""", connection);
        command.Parameters.AddWithValue(tokens.Select(t => t.Hash).ToArray());
        var pages = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pages[reader.GetString(0)] = reader.GetInt64(1);
        }

        return pages;
    }

    // A row as wide as a signed-in user's: how many versions fit in a page's free room depends on it.
    private static StoredToken WideToken(TokenKind kind) =>
        TestTokens.New(Now, kind, TimeSpan.FromDays(30), "page-client", userId: 7, scope: "email profile") with
        {
            AuthTime = Now,
            SessionId = "page-session",
        };
}
