using System.Diagnostics;
using System.Net;
using Keycard.MultiNode.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Keycard.MultiNode.Tests;

public sealed partial class MultiNodeTests
{
    /// <summary>Issue 14 item 8: cross-node revocation is immediate on PostgreSQL (LISTEN/NOTIFY), not bounded by the cache.</summary>
    public sealed class RevocationPropagation : IClassFixture<LongCacheCluster>, IDisposable
    {
        private readonly HttpClient _a;
        private readonly HttpClient _b;
        private readonly ITestOutputHelper _output;

        public RevocationPropagation(LongCacheCluster cluster, ITestOutputHelper output)
        {
            Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
            _a = cluster.A.CreateClient();
            _b = cluster.B.CreateClient();
            _output = output;
        }

        public void Dispose()
        {
            _a?.Dispose();
            _b?.Dispose();
        }

        [SkippableFact]
        public async Task Revocation_OnBWhileACachesTheToken_IsRejectedByALongBeforeTheCacheExpires()
        {
            var tokens = await SignInAsync(_a);
            using (var before = await MeAsync(_a, tokens.Access))
            {
                // Node A now holds the token in its validation cache for 30 s.
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            using var revoke = new HttpRequestMessage(HttpMethod.Post, "/external/api/oauth2/revoke");
            revoke.Headers.Add("x-token", tokens.Access);
            using var revoked = await _b.SendAsync(revoke);
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            var clock = Stopwatch.StartNew();

            var status = HttpStatusCode.OK;
            while (clock.Elapsed < LongCacheCluster.CacheDuration / 2)
            {
                using var after = await MeAsync(_a, tokens.Access);
                status = after.StatusCode;
                if (status == HttpStatusCode.Unauthorized)
                {
                    break;
                }

                await Task.Delay(10);
            }

            _output.WriteLine($"revocation through node B refused by node A after {clock.Elapsed.TotalMilliseconds:F0} ms (cache duration {LongCacheCluster.CacheDuration.TotalSeconds} s)");
            Assert.Equal(HttpStatusCode.Unauthorized, status);

            // Generous for a loaded machine, yet a sixth of the cache duration: only the notification explains it.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refused after {clock.Elapsed.TotalMilliseconds:F0} ms");
        }
    }
}
