using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Keycard.Server.Tests.Cli;

/// <summary>
/// What a newcomer sees (issue 13 items 7 and 8): the first command's console, and the README's walkthrough run
/// exactly as written against the real <c>keycard serve --demo</c>.
/// </summary>
public sealed partial class FirstRunTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keycard-first-run", Guid.NewGuid().ToString("N"));

    public FirstRunTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task ServeDemo_FirstRunAndAFewRequests_ConsoleIsShortWithOneLinePerRequest()
    {
        await using var server = await KeycardServerProcess.StartAsync(_folder, "Keycard works.", "--demo");
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        string[] paths = ["/", "/demo/", "/demo/demo.js", "/login.html?response_type=code&client_id=demo-app&redirect_uri=x&scope=email&state=s", "/external/api/rest/v2/users/me?access_token=not-a-token"];
        foreach (var path in paths)
        {
            (await http.GetAsync(path)).Dispose();
        }

        // The self-check made four requests.
        await server.WaitForAsync(_ => RequestLines(server.Output).Count() >= paths.Length + 4, TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        var output = server.Output;

        Assert.Equal(paths.Length + 4, RequestLines(output).Count());
        Assert.All(RequestLines(output), line => Assert.DoesNotContain("?", line, StringComparison.Ordinal));
        Assert.Contains(output, line => line.Contains("GET /external/api/rest/v2/users/me -> 401", StringComparison.Ordinal));
        foreach (var noisy in new[] { "Microsoft.AspNetCore.Cors", "Microsoft.AspNetCore.Http.Result", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore.Routing", "Microsoft.Hosting.Lifetime" })
        {
            Assert.DoesNotContain(output, line => line.Contains(noisy, StringComparison.Ordinal));
        }

        // Banner, self-check and one line per request, no multi-line log entries (a log entry's continuation is indented).
        Assert.DoesNotContain(output, line => line.StartsWith("      ", StringComparison.Ordinal));
        Assert.True(output.Count <= 35, $"{output.Count} lines:\n{string.Join('\n', output)}");
        Assert.Equal([Path.Combine(_folder, "keycard.db")], Directory.GetFiles(_folder, "*.db"));
    }

    [Fact]
    public async Task ReadmeWalkthrough_RunAsWrittenAgainstServeDemo_EveryStepAnswers()
    {
        var block = WalkthroughBlock(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md")));
        await using var server = await KeycardServerProcess.StartAsync(_folder, "Keycard works.", "--demo");

        // The block runs unchanged; the line after it only reports which access token step 5 inspected.
        var (code, output, error) = await BashAsync(block + "\necho \"inspected=$AT\"\n", server.Url);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        // Each body printed on a line of its own: two token responses, users/me twice, tokeninfo.
        var tokenResponses = json.Where(j => j.TryGetProperty("refresh_token", out _)).ToList();
        Assert.Equal(2, tokenResponses.Count);
        Assert.Equal(2, json.Count(j => j.TryGetProperty("name", out var name) && name.GetString() == "Demo User"));
        Assert.Equal(3_600_000, tokenResponses[0].GetProperty("expires_in").GetInt64());

        // Step 4 captured the renewed tokens, so step 5 inspected the new access token.
        var renewed = tokenResponses[1].GetProperty("access_token").GetString();
        Assert.NotEqual(tokenResponses[0].GetProperty("access_token").GetString(), renewed);
        Assert.Equal("inspected=" + renewed, lines[^1]);
        Assert.DoesNotContain(json, j => j.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task ServeDemo_BannerCurlLines_RunAsPrintedAndReachUsersMe()
    {
        await using var server = await KeycardServerProcess.StartAsync(_folder, "Keycard works.", "--demo");
        var banner = server.Output.SkipWhile(l => !l.Contains("Header flow with curl", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.Length > 0).Select(l => l.Trim());

        // Every variable the lines use is defined by the lines before it: run them in a clean environment.
        var (code, output, error) = await BashAsync(string.Join('\n', banner) + "\n", server.Url, inheritS: false);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var me = JsonDocument.Parse(output).RootElement;
        Assert.Equal("Demo User", me.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ReadmeWalkthrough_FinalRevoke_EndsTheRenewedTokens()
    {
        var block = WalkthroughBlock(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md")));
        await using var server = await KeycardServerProcess.StartAsync(_folder, "Keycard works.", "--demo");

        var (code, output, error) = await BashAsync(block + "\ncurl -s -o /dev/null -w 'after=%{http_code}\\n' $S/external/api/rest/v2/users/me -H \"x-access-token: $AT\"\n", server.Url);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.EndsWith("after=401", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRun_FromAnotherFolder_RunsInThatFolderWhereTheDatabaseLands()
    {
        // The README's first command is `dotnet run --project src/Keycard.Server`; keycard.db goes to the working
        // directory of the process, which the Web SDK would otherwise set to the project folder.
        var project = Path.Combine(RepositoryRoot(), "src", "Keycard.Server", "Keycard.Server.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = _folder };
        start.ArgumentList.Add("msbuild");
        start.ArgumentList.Add(project);
        start.ArgumentList.Add("-getProperty:RunWorkingDirectory");
        using var msbuild = Process.Start(start)!;
        var output = await msbuild.StandardOutput.ReadToEndAsync();
        await msbuild.WaitForExitAsync();

        Assert.Equal(0, msbuild.ExitCode);
        Assert.Equal(new DirectoryInfo(_folder).FullName.TrimEnd('/'), output.Trim().TrimEnd('/'));
    }

    /// <summary>The bash block of the "Five-minute walkthrough" section.</summary>
    internal static string WalkthroughBlock(string readme)
    {
        var section = readme[readme.IndexOf("## Five-minute walkthrough", StringComparison.Ordinal)..];
        return BashBlock().Match(section).Groups[1].Value;
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    private async Task<(int Code, string Out, string Err)> BashAsync(string script, string url, bool inheritS = true)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add("pipefail");
        start.ArgumentList.Add("-u");
        if (inheritS)
        {
            start.Environment["S"] = url;
        }
        else
        {
            start.Environment.Remove("S");
        }

        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bash.WaitForExitAsync(timeout.Token);
        return (bash.ExitCode, await output, await error);
    }

    private static IEnumerable<string> RequestLines(IEnumerable<string> output) =>
        output.Where(line => line.Contains("Keycard.Requests", StringComparison.Ordinal));

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keycard.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keycard.slnx not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
