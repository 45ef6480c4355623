using System.CommandLine;
using System.Globalization;
using Keycard.Core.Signing;
using Keycard.Storage.SigningKeys;

namespace Keycard.Server.Cli;

/// <summary>
/// <c>keycard keys list | rotate [--now] | retire &lt;kid&gt;</c>: the signing keys (issue 16; docs/security.md says what
/// to do after a leak: <c>rotate --now</c>, then <c>retire</c> the leaked key).
/// </summary>
internal static class KeyCommands
{
    public static void AddTo(RootCommand root)
    {
        var keys = new Command("keys", "Manage the keys Keycard signs tokens with (published at /.well-known/jwks.json).");
        keys.Subcommands.Add(List());
        keys.Subcommands.Add(Rotate());
        keys.Subcommands.Add(Retire());
        root.Subcommands.Add(keys);
    }

    private static Command List()
    {
        var list = new Command("list", "List the signing keys with their schedule (created, signs from, retires, unpublished at).");
        list.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenExistingAsync(parse.GetValue(KeycardCli.Database), ct);
            var now = admin.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
            var rows = await admin.Services.GetRequiredService<SigningKeyAdministration>().ListAsync(ct);
            if (rows.Count == 0)
            {
                Console.WriteLine("No signing keys yet: the server makes the first at start.");
                return 0;
            }

            Console.WriteLine($"{"KID",-32} {"ALG",-6} {"STATE",-10} {"SIGNS FROM",-20} {"RETIRES",-20} {"UNPUBLISHED",-20}");
            foreach (var row in rows)
            {
                Console.WriteLine($"{row.KeyId,-32} {row.Algorithm,-6} {State(row, now),-10} {Time(row.ActivatesAt),-20} {Time(row.RetiresAt),-20} {Time(row.ExpiresAt),-20}");
            }

            return 0;
        });
        return list;
    }

    private static Command Rotate()
    {
        var now = new Option<bool>("--now") { Description = "Sign with the new key at once (after a leak), instead of after Keycard:SigningKeys:PublishAhead." };
        var algorithm = new Option<string?>("--algorithm") { Description = "Rotate only this algorithm's keys, RS256 or ES256 (default: every algorithm in use)." };
        var rotate = new Command("rotate", "Make a new signing key; the current one stops signing when it starts and stays published until its tokens expire.") { now, algorithm };
        rotate.SetAction(async (parse, ct) =>
        {
            var requested = parse.GetValue(algorithm);
            if (requested is not null && SigningAlgorithms.Normalize(requested) is null)
            {
                return ClientCommands.Fail($"unknown algorithm '{requested}'; use one of {string.Join(", ", SigningAlgorithms.All)}");
            }

            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var rows = await admin.Services.GetRequiredService<SigningKeyAdministration>().RotateAsync(parse.GetValue(now), SigningAlgorithms.Normalize(requested), ct);
            foreach (var row in rows)
            {
                Console.WriteLine($"Created signing key {row.KeyId} ({row.Algorithm}), signing from {Time(row.ActivatesAt)}. Running servers see it within Keycard:SigningKeys:RefreshInterval.");
            }

            return 0;
        });
        return rotate;
    }

    private static Command Retire()
    {
        var kid = new Argument<string>("kid") { Description = "The key id, as `keycard keys list` shows it." };
        var retire = new Command("retire", "Stop a key signing and unpublish it now: tokens it signed no longer validate.") { kid };
        retire.SetAction(async (parse, ct) =>
        {
            var keyId = parse.GetValue(kid)!;
            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            if (!await admin.Services.GetRequiredService<SigningKeyAdministration>().RetireAsync(keyId, ct))
            {
                return ClientCommands.Fail($"no signing key '{keyId}'");
            }

            Console.WriteLine($"Retired signing key {keyId}: it no longer signs and is no longer published.");
            return 0;
        });
        return retire;
    }

    private static string State(SigningKeyEntity row, long now) =>
        now >= row.ExpiresAt ? "expired"
        : now < row.ActivatesAt ? (row.RetiresAt <= row.ActivatesAt ? "cancelled" : "next")
        : now < row.RetiresAt ? "signing"
        : "retired";

    private static string Time(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
