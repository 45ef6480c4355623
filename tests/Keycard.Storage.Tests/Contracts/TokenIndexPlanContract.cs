using System.Text.RegularExpressions;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Storage.Stores;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Tokens;
using Keycard.Storage.Users;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>
/// IX_tokens_UserId and IX_tokens_RevokedAt are partial (WHERE the column IS NOT NULL), so a client_credentials token,
/// with no user and not revoked, writes no page of either. A partial index serves only a query whose WHERE implies its
/// filter (SQLite, https://sqlite.org/partialindex.html §3: a comparison on z other than IS matches "z IS NOT NULL";
/// PostgreSQL: a strict operator on z implies it), so each query that reads them is held to its index here: the
/// statements the stores really send, explained just before they run on a table shaped like one in service (mostly
/// service tokens, some users' tokens, some revoked), with the planner's statistics as the database keeps them itself.
/// </summary>
public abstract class TokenIndexPlanContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string UserIndex = "IX_tokens_UserId";
    private const string RevokedIndex = "IX_tokens_RevokedAt";
    private const int Users = 40;
    private const int TokensPerUser = 10;
    private static readonly DateTimeOffset Now = TestDatabase.Start;

    [SkippableFact]
    public async Task Schema_UserAndRevokedIndexes_LeaveOutRowsWithoutAUserOrARevocation()
    {
        var user = await Database.IndexDefinitionAsync(Database.Location, UserIndex);
        var revoked = await Database.IndexDefinitionAsync(Database.Location, RevokedIndex);

        Assert.Contains("\"UserId\" IS NOT NULL", user, StringComparison.Ordinal);
        Assert.Contains("\"RevokedAt\" IS NOT NULL", revoked, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RevokeUserTokens_TableInService_FindsTheUsersRowsThroughTheUserIndex()
    {
        await using var table = await TableInServiceAsync();
        var userId = table.UserIds[3];

        var revoked = await table.RunAsync(sp => sp.GetRequiredService<TokenAdministration>().RevokeUserTokensAsync(userId, CancellationToken.None));

        Assert.Equal(TokensPerUser, revoked);
        AssertUses(table.Plans, UserIndex, "\"UserId\" = ");
    }

    [SkippableFact]
    public async Task RevokeConsent_TableInService_FindsTheUsersRowsThroughTheUserIndex()
    {
        await using var table = await TableInServiceAsync();
        var userId = table.UserIds[5];

        var revocation = await table.RunAsync(sp => sp.GetRequiredService<IConsentStore>().RevokeAsync(userId, "web", Now, CancellationToken.None));

        Assert.Equal(TokensPerUser, revocation.TokensRevoked);
        AssertUses(table.Plans, UserIndex, "\"UserId\" = ");
    }

    [SkippableFact]
    public async Task RemoveUser_TableInService_DeletesTheUsersRowsThroughTheUserIndex()
    {
        await using var table = await TableInServiceAsync();
        var name = "plan-" + Guid.NewGuid().ToString("N");
        var (user, errors) = await table.RunAsync(sp => sp.GetRequiredService<UserAdministration>()
            .AddAsync(name, name + "@example.com", "Plan", "User", "correct horse battery staple"));
        Assert.Empty(errors);
        await table.AddAsync([.. Enumerable.Range(0, TokensPerUser).Select(_ => TestTokens.New(Now, clientId: "web", userId: user!.Id))]);
        table.Recorder.Clear();

        Assert.True(await table.RunAsync(sp => sp.GetRequiredService<UserAdministration>().RemoveAsync(name, CancellationToken.None)));

        AssertUses(table.Plans, UserIndex, "\"UserId\" = ");
        Assert.Null(await table.RunAsync(sp => sp.GetRequiredService<ITokenStore>().FindAsync(table.LastAdded[0].Hash, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Prune_TableInService_FindsTheRevokedRowsThroughTheRevokedIndex()
    {
        await using var table = await TableInServiceAsync();

        // Nothing has expired an hour on; the rows revoked before the cutoff are found on the revoked side.
        var removed = await table.RunAsync(sp => sp.GetRequiredService<EfTokenStore>().PruneAsync(Now.AddMinutes(30), 500, CancellationToken.None));

        Assert.Equal(table.RevokedBeforeCutoff, removed);
        AssertUses(table.Plans, RevokedIndex, "\"RevokedAt\" < ");
    }

    /// <summary>
    /// The statements over the table whose text has <paramref name="condition"/> ran; the first of them (the one that
    /// finds the rows; PostgreSQL may then find the families just revoked by "RevokedAt" = @now instead) is planned
    /// through <paramref name="index"/>; and none of them reads the whole table for the rows the condition selects.
    /// (Joining the rows found back by primary key is the planner's choice: on a table this small PostgreSQL may hash
    /// it, which is no matter of these indexes.)
    /// </summary>
    private static void AssertUses(IReadOnlyList<RecordedPlan> plans, string index, string condition)
    {
        var reading = plans.Where(p => p.Sql.Contains(condition, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(reading);
        Assert.True(reading[0].Plan.Contains(index, StringComparison.Ordinal), Describe(reading[0]));
        Assert.All(reading, p => Assert.False(ScansForTheCondition(p, condition), Describe(p)));
    }

    private static string Describe(RecordedPlan plan) => $"{plan.Sql}\n-- planned as --\n{plan.Plan}";

    /// <summary>
    /// Whether the table, under the alias the condition names it by, is read whole: SQLite "SCAN t0" (not
    /// "SCAN t0 USING INDEX …"), PostgreSQL "Seq Scan on tokens t0".
    /// </summary>
    private static bool ScansForTheCondition(RecordedPlan plan, string condition)
    {
        var alias = Regex.Match(plan.Sql, $@"""?(\w+)""?\.{Regex.Escape(condition)}").Groups[1].Value;
        Assert.NotEmpty(alias);
        return plan.Plan.Split('\n').Any(line =>
            Regex.IsMatch(line, $@"Seq Scan on tokens {alias}(\s|$)") || Regex.IsMatch(line, $@"^\s*SCAN {alias}\s*$"));
    }

    /// <summary>
    /// A new database whose tokens table looks like one in service: 4,000 service tokens (no user, not revoked),
    /// <see cref="Users"/> users with <see cref="TokensPerUser"/> live tokens each for client "web", and 200 more
    /// tokens revoked a while ago; statistics as the database gathers them itself; the recorder cleared.
    /// </summary>
    private async Task<TableInService> TableInServiceAsync()
    {
        var recorder = new PlanRecorder(Database.ExplainPrefix);
        var location = await Database.CreateEmptyAsync();
        var services = TestDatabase.BuildServices(location, Database.Time, recorder);
        var table = new TableInService(services, recorder, [.. Enumerable.Range(1, Users).Select(i => 100_000 + i)]);
        await table.RunAsync(sp => sp.GetRequiredService<KeycardDatabase>().MigrateAsync(CancellationToken.None));

        await table.AddAsync([.. Enumerable.Range(0, 4000).Select(_ => TestTokens.New(Now, clientId: "service"))]);
        await table.AddAsync([.. table.UserIds.SelectMany(u => Enumerable.Range(0, TokensPerUser).Select(_ => TestTokens.New(Now, clientId: "web", userId: u)))]);
        await table.AddAsync([.. Enumerable.Range(0, table.RevokedBeforeCutoff).Select(i => TestTokens.New(Now.AddHours(-2), clientId: "web", userId: 200_000 + (i % 20), lifetime: TimeSpan.FromDays(30)) with
        {
            RevokedAt = Now.AddHours(-1),
        })]);
        await Database.AnalyzeAsync(location, "tokens");
        recorder.Clear();
        return table;
    }

    private sealed class TableInService(ServiceProvider services, PlanRecorder recorder, IReadOnlyList<int> userIds) : IAsyncDisposable
    {
        public PlanRecorder Recorder => recorder;

        public IReadOnlyList<RecordedPlan> Plans => recorder.Plans;

        public IReadOnlyList<int> UserIds => userIds;

        public int RevokedBeforeCutoff => 200;

        public StoredToken[] LastAdded { get; private set; } = [];

        public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> action)
        {
            await using var scope = services.CreateAsyncScope();
            return await action(scope.ServiceProvider);
        }

        public async Task RunAsync(Func<IServiceProvider, Task> action)
        {
            await using var scope = services.CreateAsyncScope();
            await action(scope.ServiceProvider);
        }

        public Task AddAsync(StoredToken[] tokens)
        {
            LastAdded = tokens;
            return RunAsync(sp => sp.GetRequiredService<ITokenStore>().AddAsync(tokens, CancellationToken.None));
        }

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
