using System.CommandLine;
using System.Globalization;
using Keycard.Core.Storage;
using Keycard.Storage.Users;

namespace Keycard.Server.Cli;

/// <summary>
/// <c>keycard sessions list --user U</c> and <c>keycard sessions end --user U | --id ID</c>: the operator's view of browser
/// sign-in sessions (the <c>sign_in_sessions</c> rows). Ending one stops its cookie working on every node at once.
/// </summary>
internal static class SessionCommands
{
    public static void AddTo(RootCommand root)
    {
        var sessions = new Command("sessions", "List and end browser sign-in sessions.");
        sessions.Subcommands.Add(List());
        sessions.Subcommands.Add(End());
        root.Subcommands.Add(sessions);
    }

    private static Command List()
    {
        var user = new Option<string>("--user") { Description = "The user whose sessions to list.", Required = true };
        var list = new Command("list", "List a user's sign-in sessions that have not expired (ended ones marked).") { user };
        list.SetAction(async (parse, ct) =>
        {
            await using var admin = await AdminContext.OpenExistingAsync(parse.GetValue(KeycardCli.Database), ct);
            var userName = parse.GetValue(user)!;
            var profile = await admin.Services.GetRequiredService<UserAdministration>().FindAsync(userName);
            if (profile is null)
            {
                return ClientCommands.Fail($"no user named '{userName}'");
            }

            var now = admin.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var rows = await admin.Services.GetRequiredService<ISignInSessionStore>().ListForUserAsync(profile.Id, now, ct);
            foreach (var s in rows)
            {
                var state = s.EndedAt is { } ended ? "ended " + ended.ToString("u", CultureInfo.InvariantCulture) : "active";
                Console.WriteLine($"{s.Id}\tsigned in {s.AuthTime.ToString("u", CultureInfo.InvariantCulture)}\texpires {s.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}\t{state}");
            }

            if (rows.Count == 0)
            {
                Console.WriteLine($"No sign-in sessions for '{userName}'.");
            }

            return 0;
        });
        return list;
    }

    private static Command End()
    {
        var user = new Option<string>("--user") { Description = "End every sign-in session of this user." };
        var id = new Option<string>("--id") { Description = "End the sign-in session with this id." };
        var end = new Command("end", "End one sign-in session, or every one of a user.") { user, id };
        end.SetAction(async (parse, ct) =>
        {
            var userName = parse.GetValue(user);
            var sessionId = parse.GetValue(id);
            if ((userName is null) == (sessionId is null))
            {
                return ClientCommands.Fail("name exactly one of --user or --id");
            }

            await using var admin = await AdminContext.OpenAsync(parse.GetValue(KeycardCli.Database), ct);
            var store = admin.Services.GetRequiredService<ISignInSessionStore>();
            var now = admin.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (sessionId is not null)
            {
                if (!await store.EndAsync(sessionId, now, ct))
                {
                    return ClientCommands.Fail($"no active sign-in session '{sessionId}'");
                }

                Console.WriteLine($"Ended sign-in session '{sessionId}'.");
                return 0;
            }

            var profile = await admin.Services.GetRequiredService<UserAdministration>().FindAsync(userName!);
            if (profile is null)
            {
                return ClientCommands.Fail($"no user named '{userName}'");
            }

            var ended = await store.EndForUserAsync(profile.Id, now, ct);
            Console.WriteLine($"Ended {ended} sign-in sessions of user '{userName}'.");
            return 0;
        });
        return end;
    }
}
