using Keycard.Server.Configuration;
using Keycard.Server.Gateway;
using Keycard.Storage.SigningKeys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Keycard.Server.Tests.Cli;

/// <summary>
/// <c>keycard config show</c> knows every setting: the registry (Configuration/KeycardSettings) must list every options
/// class the server binds under "Keycard", with the section it is really bound from, or config show would call a real
/// setting "not a setting of this build".
/// </summary>
public sealed class SettingsRegistryTests
{
    [Fact]
    public void Registry_EveryOptionsClassBoundUnderKeycard_IsListedWithItsSection()
    {
        var builder = KeycardServer.CreateBuilder(new ServeOptions { Database = Path.Combine(Path.GetTempPath(), "keycard-registry-unused.db") }, []);

        var bound = BoundSections(builder.Services);

        // The finder itself works: the classes the last session's registry forgot are found as bound.
        Assert.Contains((SigningKeyOptions.Section, typeof(SigningKeyOptions)), bound);
        Assert.Contains((GatewayOptions.Section, typeof(GatewayOptions)), bound);
        // A configure step may also read below its own section (the gateway checks each of its routes): that is covered.
        var missing = bound
            .Where(b => !KeycardSettings.Sections.Any(s => s.Options == b.Options && (s.Section == b.Section || b.Section.StartsWith(s.Section + ":", StringComparison.Ordinal))))
            .Select(b => $"{b.Options.Name} (bound from {b.Section})").ToList();
        Assert.True(missing.Count == 0,
            "Bound under Keycard but unknown to config show; declare `public const string Section` on: " + string.Join(", ", missing));
    }

    /// <summary>
    /// Every (section, options class) that <c>BindConfiguration</c> registered, found by running each registered
    /// configure step against a configuration that records the section it is asked for.
    /// </summary>
    private static HashSet<(string Section, Type Options)> BoundSections(IServiceCollection services)
    {
        var found = new HashSet<(string, Type)>();
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType is not { IsGenericType: true } serviceType || serviceType.GetGenericTypeDefinition() != typeof(IConfigureOptions<>) ||
                descriptor.ImplementationFactory is not { } factory)
            {
                continue;
            }

            var optionsType = serviceType.GetGenericArguments()[0];
            if (optionsType.Namespace?.StartsWith("Keycard", StringComparison.Ordinal) != true || optionsType.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }

            var recorder = new RecordingConfiguration();
            object configure;
            try
            {
                configure = factory(new OnlyConfiguration(recorder));
            }
            catch (InvalidOperationException)
            {
                continue; // a configure step that needs other services: not a configuration binding
            }

            serviceType.GetMethod(nameof(IConfigureOptions<object>.Configure))!.Invoke(configure, [Activator.CreateInstance(optionsType)]);
            foreach (var section in recorder.Sections.Where(s => s == "Keycard" || s.StartsWith("Keycard:", StringComparison.Ordinal)))
            {
                found.Add((section, optionsType));
            }
        }

        return found;
    }

    private sealed class OnlyConfiguration(IConfiguration configuration) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IConfiguration) ? configuration : null;
    }

    private sealed class RecordingConfiguration : IConfiguration
    {
        private readonly IConfiguration _empty = new ConfigurationBuilder().Build();

        public List<string> Sections { get; } = [];

        public string? this[string key]
        {
            get => null;
            set { }
        }

        public IConfigurationSection GetSection(string key)
        {
            Sections.Add(key);
            return _empty.GetSection(key);
        }

        public IEnumerable<IConfigurationSection> GetChildren() => [];

        public IChangeToken GetReloadToken() => _empty.GetReloadToken();
    }
}
