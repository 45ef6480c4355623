using System.Net;
using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Refresh token rotation (RFC 9700 §4.14.2) where it is more than the token endpoint's contract: the grace setting's
/// wiring and what concurrent refreshes leave in the database. Replay after and within the grace is specified once, in
/// Contracts/TokenEndpointContract, for both dialects; the rules themselves in Keycard.Core.Tests.
/// </summary>
public sealed class RefreshRotationTests
{
    [Fact]
    public async Task Refresh_GraceConfiguredToZero_ImmediateReuseRevokesFamily()
    {
        using var factory = new KeycardFactory();
        factory.Settings["Keycard:RefreshReuseGrace"] = "00:00:00";
        await factory.SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var first = await api.SignInAsync();
        using var rotation = await api.RefreshAsync(first.RefreshToken);
        var second = await TokenSet.ReadAsync(rotation);

        using var reuse = await api.RefreshAsync(first.RefreshToken);

        await ResponseAssert.ErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
        using var me = await api.MeAsync(second.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Refresh_FiftyConcurrentRefreshesOfOneToken_AllSucceedInOneFamilyAndSessionSurvives()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        var api = new IOfficeClient(factory.CreateClient());
        var first = await api.SignInAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => api.RefreshAsync(first.RefreshToken))));

        try
        {
            var statuses = responses.Select(r => (int)r.StatusCode).ToList();
            Assert.All(statuses, s => Assert.Equal(200, s));
            var issued = new List<TokenSet>();
            foreach (var response in responses)
            {
                issued.Add(await TokenSet.ReadAsync(response));
            }

            Assert.Equal(50, issued.Select(t => t.RefreshToken).Distinct().Count());
            var rows = await TokenDatabase.ReadTableAsync(factory.DatabasePath, "tokens");
            Assert.Single(rows.Select(r => (string)r["FamilyId"]!).Distinct());
            Assert.Equal(1 + 51 + 51, rows.Count);
            Assert.All(rows, r => Assert.Null(r["RevokedAt"]));

            using var next = await api.RefreshAsync(issued[^1].RefreshToken);
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            using var me = await api.MeAsync((await TokenSet.ReadAsync(next)).AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
