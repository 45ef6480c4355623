using Microsoft.Extensions.Configuration.Json;

namespace Keycard.Server.Tests.Hosting;

/// <summary>appsettings.json is read at start and not watched (docs/configuration.md).</summary>
public sealed class ConfigurationWatchTests
{
    /// <summary>
    /// A watch on the working directory (where keycard.db and its WAL live by default) would wake a thread on every
    /// token commit.
    /// </summary>
    [Fact]
    public void CreateBuilder_ByDefault_DoesNotWatchJsonSettings()
    {
        var builder = KeycardServer.CreateBuilder(new ServeOptions { Database = Path.Combine(Path.GetTempPath(), "keycard-watch-unused.db") }, []);

        var json = builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList();

        Assert.NotEmpty(json);
        Assert.All(json, source => Assert.False(source.ReloadOnChange, source.Path));
    }

    [Fact]
    public void CreateBuilder_ReloadAskedForOnTheCommandLine_WatchesJsonSettings()
    {
        var builder = KeycardServer.CreateBuilder(new ServeOptions { Database = Path.Combine(Path.GetTempPath(), "keycard-watch-unused.db") }, ["--hostBuilder:reloadConfigOnChange=true"]);

        var json = builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList();

        Assert.Contains(json, source => source.ReloadOnChange);
    }
}
