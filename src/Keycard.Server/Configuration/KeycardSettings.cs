using System.Reflection;
using Keycard.Core;
using Keycard.Core.Users;
using Keycard.Server.Diagnostics;
using Keycard.Server.Endpoints.Api;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Http;
using Keycard.Storage.Caching;
using Keycard.Storage.DataProtection;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Configuration;

/// <summary>
/// Every <c>Keycard:</c> setting: the options class it binds to and the range it accepts. A value out of range stops
/// the server at start with one line naming the setting (<c>ValidateOnStart</c>); <c>keycard config show</c> prints them.
/// </summary>
internal static class KeycardSettings
{
    public const int MaxPoolThreads = 1024;

    /// <summary>
    /// Each options class with the configuration section it is bound from, derived from the classes themselves: every
    /// <c>*Options</c> class of Keycard's assemblies that declares <c>public const string Section</c> under "Keycard".
    /// A new options class is listed by <c>config show</c> as soon as it declares its section; a test checks that every
    /// options class the server binds under "Keycard" is here, with the section it is really bound from.
    /// </summary>
    public static readonly IReadOnlyList<(string Section, Type Options)> Sections = Discover(
        typeof(KeycardProtocolOptions).Assembly, typeof(StoreCacheOptions).Assembly, typeof(KeycardSettings).Assembly);

    /// <summary>
    /// Settings read before the container exists, so no options class binds them (KeycardServer, KeyEncryptionKey);
    /// <c>config show</c> prints them itself, the key-encryption key masked.
    /// </summary>
    public static readonly IReadOnlyList<string> RawSettings = [KeycardServer.DatabaseSetting, KeyEncryptionKey.Setting, KeyEncryptionKey.FileSetting];

    private static List<(string Section, Type Options)> Discover(params Assembly[] assemblies) =>
        [.. assemblies.Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(t => (Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string, Options: t))
            .Where(p => p.Section is not null && (p.Section == "Keycard" || p.Section.StartsWith("Keycard:", StringComparison.Ordinal)))
            .Select(p => (p.Section!, p.Options))
            .OrderBy(p => p.Item1 != "Keycard").ThenBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Options.Name, StringComparer.Ordinal)];

    public static IServiceCollection AddKeycardSettingRules(this IServiceCollection services)
    {
        var second = TimeSpan.FromSeconds(1);
        var day = TimeSpan.FromDays(1);
        Add(services, new SettingRules<KeycardProtocolOptions>("Keycard")
            // RFC 6749 §4.1.2 recommends at most 10 minutes; up to an hour is accepted for load tests that pre-seed codes.
            .Between(nameof(KeycardProtocolOptions.AuthorizationCodeLifetime), o => o.AuthorizationCodeLifetime, second, TimeSpan.FromHours(1))
            .Between(nameof(KeycardProtocolOptions.AccessTokenLifetime), o => o.AccessTokenLifetime, second, day)
            .Between(nameof(KeycardProtocolOptions.RefreshTokenLifetime), o => o.RefreshTokenLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650))
            .Between(nameof(KeycardProtocolOptions.RefreshReuseGrace), o => o.RefreshReuseGrace, TimeSpan.Zero, TimeSpan.FromMinutes(5)));
        Add(services, new SettingRules<KeycardServerOptions>("Keycard")
            .Between(nameof(KeycardServerOptions.PruneInterval), o => o.PruneInterval, second, day)
            .Between(nameof(KeycardServerOptions.PruneRetention), o => o.PruneRetention, TimeSpan.Zero, TimeSpan.FromDays(365))
            .Between(nameof(KeycardServerOptions.SessionLifetime), o => o.SessionLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30))
            .Between(nameof(KeycardServerOptions.MinPoolThreads), o => o.MinPoolThreads ?? 1, 1, MaxPoolThreads)
            .Between(nameof(KeycardServerOptions.DatabaseTimeout), o => o.DatabaseTimeout, second, TimeSpan.FromMinutes(10))
            .Between(nameof(KeycardServerOptions.ShutdownTimeout), o => o.ShutdownTimeout, second, TimeSpan.FromMinutes(10)));
        Add(services, new SettingRules<LockoutOptions>("Keycard:Lockout")
            .Between(nameof(LockoutOptions.MaxFailedAttempts), o => o.MaxFailedAttempts, 1, 1000)
            .Between(nameof(LockoutOptions.BaseLockout), o => o.BaseLockout, second, day)
            .Between(nameof(LockoutOptions.MaxLockout), o => o.MaxLockout, second, TimeSpan.FromDays(30))
            .Between(nameof(LockoutOptions.FailureWindow), o => o.FailureWindow, second, TimeSpan.FromDays(30)));
        Add(services, new SettingRules<StoreCacheOptions>("Keycard:Cache")
            .Between(nameof(StoreCacheOptions.Duration), o => o.Duration, TimeSpan.Zero, TimeSpan.FromMinutes(1))
            .Between(nameof(StoreCacheOptions.MaxEntries), o => o.MaxEntries, 1, 10_000_000));
        Add(services, new SettingRules<PasswordRateLimitOptions>("Keycard:RateLimit")
            .Between(nameof(PasswordRateLimitOptions.PasswordPermitsPerMinute), o => o.PasswordPermitsPerMinute, 1, int.MaxValue));
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section);
        services.AddOptions<ApiOptions>().BindConfiguration("Keycard:Api");
        Add(services, new SettingRules<ApiOptions>("Keycard:Api")
            .Check(nameof(ApiOptions.UsersMeScope), o => o.UsersMeScope is null || (o.UsersMeScope.Length is > 0 and <= 128 && !o.UsersMeScope.Any(char.IsWhiteSpace))
                ? null : $"is '{o.UsersMeScope}'; it must be one scope name (1 to 128 characters, no spaces)"));
        Add(services, new SettingRules<TelemetryOptions>(TelemetryOptions.Section)
            .Check(nameof(TelemetryOptions.MetricsPath), o => o.MetricsPath.StartsWith('/') && !o.MetricsPath.Contains('?', StringComparison.Ordinal)
                ? null : $"is '{o.MetricsPath}'; it must be a path starting with '/'")
            .Check(nameof(TelemetryOptions.MetricsUrl), o => o.MetricsUrl is null || IsHttpUrl(o.MetricsUrl)
                ? null : $"is '{o.MetricsUrl}'; it must be an absolute http(s) URL with a port, such as http://127.0.0.1:9464")
            .Check(nameof(TelemetryOptions.OtlpEndpoint), o => o.OtlpEndpoint is null || IsHttpUrl(o.OtlpEndpoint)
                ? null : $"is '{o.OtlpEndpoint}'; it must be an absolute http(s) URL, such as http://collector:4317"));
        return services;
    }

    private static void Add<TOptions>(IServiceCollection services, SettingRules<TOptions> rules)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(rules);
        services.AddOptions<TOptions>().ValidateOnStart();
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
