using System.Text.Json;

namespace Keycard.Server.Tests.Hosting;

/// <summary>The runtime settings the keycard executable ships with (src/Keycard.Server/runtimeconfig.template.json).</summary>
public sealed class RuntimeConfigTests
{
    /// <summary>
    /// Idle thread-pool workers block at once instead of spin-waiting: on a small machine the spin is a loop of
    /// sched_yield calls between the pool's idle workers (docs/deployment.md, "Runtime settings").
    /// </summary>
    [Fact]
    public void KeycardRuntimeConfig_ThreadPoolSpinLimit_IsZero()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "keycard.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));

        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
