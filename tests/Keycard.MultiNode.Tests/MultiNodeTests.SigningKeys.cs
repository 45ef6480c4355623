using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keycard.MultiNode.Tests.Infrastructure;
using Keycard.Testing;
using Xunit.Abstractions;

namespace Keycard.MultiNode.Tests;

public sealed partial class MultiNodeTests
{
    /// <summary>
    /// Issue 16: nodes on one PostgreSQL agree on the signing keys with no manual step and no restart. Two real
    /// <c>keycard serve</c> processes start together on an empty signing_keys table; <c>keycard keys rotate --now</c>
    /// (the CLI, a third process) is then seen by both within Keycard:SigningKeys:RefreshInterval.
    /// What a node signs with is what its readiness check reports: the key <c>ISigningKeyRing.GetCurrentAsync</c> returns,
    /// which <c>JwtSigner</c> signs every token with.
    /// </summary>
    public sealed partial class SigningKeys : IClassFixture<SigningKeyCluster>
    {
        private readonly SigningKeyCluster _cluster;
        private readonly ITestOutputHelper _output;

        public SigningKeys(SigningKeyCluster cluster, ITestOutputHelper output)
        {
            Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
            _cluster = cluster;
            _output = output;
        }

        [SkippableFact]
        public async Task RotateNow_ThroughTheCli_BothNodesSignWithTheNewKeyWithinTheRefreshIntervalAndStillPublishTheOld()
        {
            KeycardServe[] nodes = [_cluster.A, _cluster.B];
            var processes = nodes.Select(n => n.ProcessId).ToList();

            // Both started at once on the empty table, and made one key between them (no duplicate, no second kid).
            Assert.Equal(1, await _cluster.ScalarAsync("SELECT count(*) FROM signing_keys"));
            var first = Assert.Single(await PublishedAsync(_cluster.A));
            Assert.Equal([first], await PublishedAsync(_cluster.B));
            foreach (var node in nodes)
            {
                Assert.Equal(first, await SigningKidAsync(node));
            }

            var output = await _cluster.CliAsync(["keys", "rotate", "--now"]);
            var clock = Stopwatch.StartNew();
            var created = CreatedKid().Match(output);
            Assert.True(created.Success, output);
            var second = created.Groups[1].Value;
            Assert.NotEqual(first, second);

            // Each node: signing with the new key within the refresh interval (plus a loaded machine's slack), by
            // reading the table again, not by restarting.
            var deadline = SigningKeyCluster.RefreshInterval + TimeSpan.FromSeconds(3);
            foreach (var node in nodes)
            {
                var kid = await SigningKidAsync(node);
                while (kid != second && clock.Elapsed < deadline + TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(50);
                    kid = await SigningKidAsync(node);
                }

                _output.WriteLine($"node {node.Address}: signs with {kid} {clock.Elapsed.TotalMilliseconds:F0} ms after `keys rotate --now` exited (refresh interval {SigningKeyCluster.RefreshInterval.TotalSeconds} s)");
                Assert.Equal(second, kid);
                Assert.True(clock.Elapsed < deadline, $"{node.Address} switched after {clock.Elapsed.TotalMilliseconds:F0} ms");
            }

            // The old key stays published on both (tokens it signed still validate), beside the new one.
            foreach (var node in nodes)
            {
                var published = await PublishedAsync(node);
                Assert.Contains(first, published);
                Assert.Contains(second, published);
            }

            Assert.Equal(processes, nodes.Select(n => n.ProcessId).ToList());
            Assert.All(nodes, n => Assert.False(n.HasExited, n.Log));
        }

        [SkippableFact]
        public async Task Rotate_WithoutTheKeyEncryptionKey_IsOneLineAndChangesNothing()
        {
            var before = await _cluster.ScalarAsync("SELECT count(*) FROM signing_keys");

            var (exitCode, output, error) = await KeycardProcess.RunAsync(["keys", "rotate", "--now", "--database", _cluster.DatabaseUrl]);

            // A setting mistake, said in one line (exit 1) as every other one is, never a stack trace.
            Assert.Equal(1, exitCode);
            Assert.StartsWith("keycard: ", error, StringComparison.Ordinal);
            Assert.Contains("KEYCARD_KEY_ENCRYPTION_KEY", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
            Assert.Equal(before, await _cluster.ScalarAsync("SELECT count(*) FROM signing_keys"));
        }

        /// <summary>The key ids a node publishes at /.well-known/jwks.json.</summary>
        private static async Task<List<string>> PublishedAsync(KeycardServe node)
        {
            using var http = node.CreateClient();
            var jwks = await http.GetFromJsonAsync<JsonElement>(new Uri("/.well-known/jwks.json", UriKind.Relative));
            return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order(StringComparer.Ordinal)];
        }

        /// <summary>The key a node signs with now, as its readiness check reports it ("Signing key KID (RS256) is loaded.").</summary>
        private static async Task<string> SigningKidAsync(KeycardServe node)
        {
            using var http = node.CreateClient();
            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
            var description = report.GetProperty("checks").GetProperty("signing-keys").GetProperty("description").GetString()!;
            var match = LoadedKid().Match(description);
            Assert.True(match.Success, description);
            return match.Groups[1].Value;
        }

        [GeneratedRegex(@"^Signing key (\S+) \(")]
        private static partial Regex LoadedKid();

        [GeneratedRegex(@"Created signing key (\S+) ")]
        private static partial Regex CreatedKid();
    }
}
