using System.Net;
using Keycard.Server.Tests.Cli;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Server.Tests.OAuth;

namespace Keycard.Server.Tests.OpenIdConnect;

/// <summary><c>keycard sessions list | end</c>: the operator's view of browser sign-in sessions.</summary>
public sealed class SessionCommandTests : OAuthTestBase
{
    [Fact]
    public async Task SessionsListThenEnd_ForAUser_ShowsTheSessionThenEndsIt()
    {
        // The CLI runs on the real clock; the session must not have expired by it.
        Factory.Time.SetUtcNow(DateTimeOffset.UtcNow);
        await GetCodeAsync();

        var (listCode, listed, listError) = await KeycardProcess.RunAsync(null, "sessions", "list", "--user", KeycardFactory.UserName, "--database", Factory.DatabasePath);
        Assert.True(listCode == 0, listError);
        Assert.Contains("active", listed, StringComparison.Ordinal);

        var (endCode, ended, endError) = await KeycardProcess.RunAsync(null, "sessions", "end", "--user", KeycardFactory.UserName, "--database", Factory.DatabasePath);

        Assert.True(endCode == 0, endError);
        Assert.Contains("Ended 1 sign-in sessions", ended, StringComparison.Ordinal);
        using var page = await Http.GetAsync(OAuthForms.AuthorizeUrl());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task SessionsEnd_NeitherUserNorId_FailsClearly()
    {
        var (code, _, error) = await KeycardProcess.RunAsync(null, "sessions", "end", "--database", Factory.DatabasePath);

        Assert.Equal(1, code);
        Assert.Contains("--user or --id", error, StringComparison.Ordinal);
    }
}
