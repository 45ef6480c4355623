using Keycard.Server.Cli;

namespace Keycard.Server.Tests.Cli;

/// <summary>Which arguments go to ASP.NET Core's configuration and which to the command line parser (issue 13 item 4).</summary>
public sealed class HostSettingArgumentsTests
{
    [Fact]
    public void Split_SettingsHostKeysAndTheFactorysSectionEntries_GoToTheHost()
    {
        // As WebApplicationFactory<Program> passes its host configuration, plus both forms an operator may type.
        string[] args = ["serve", "--demo", "--Keycard=", "--Keycard:PasswordCodeEndpointEnabled=false", "--environment=Development",
            "--contentRoot=/srv/keycard", "--Kestrel:Limits:MaxConcurrentConnections", "100", "--urls", "http://127.0.0.1:5000"];

        var (commandLine, settings) = HostSettingArguments.Split(args);

        Assert.Equal(["serve", "--demo", "--urls", "http://127.0.0.1:5000"], commandLine);
        Assert.Equal(["--Keycard=", "--Keycard:PasswordCodeEndpointEnabled=false", "--environment=Development",
            "--contentRoot=/srv/keycard", "--Kestrel:Limits:MaxConcurrentConnections", "100"], settings);
    }

    [Theory]
    [InlineData("--dmeo")]
    [InlineData("--dmeo=true")]
    [InlineData("--Keycard=")]
    [InlineData("--environment")]
    [InlineData("clinet")]
    public void Split_AnythingElse_StaysForTheParserToRefuse(string token)
    {
        var (commandLine, settings) = HostSettingArguments.Split(["serve", token]);

        Assert.Equal(["serve", token], commandLine);
        Assert.Empty(settings);
    }
}
