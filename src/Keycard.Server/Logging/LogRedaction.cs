using System.Buffers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keycard.Server.Logging;

/// <summary>
/// Keeps secrets out of every log, whatever level an operator enables (STYLE habit 7; RFC 6750 §5.3: bearer tokens
/// in URLs end up in logs). ASP.NET Core's hosting log prints the full request URL, and the guide sends
/// <c>?access_token=</c> in it; a category filter is not enough, because a provider-specific rule can lift it.
/// So the <see cref="ILoggerFactory"/> itself is wrapped and secret-bearing URL parameters are blanked before any
/// provider sees the message.
/// </summary>
internal static partial class LogRedaction
{
    public const string Mask = "[redacted]";

    public static IServiceCollection AddLogRedaction(this IServiceCollection services)
    {
        services.TryAddSingleton<LoggerFactory>();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(sp.GetRequiredService<LoggerFactory>())));
        return services;
    }

    /// <summary>Query, form or fragment parameters whose value is a credential (RFC 6749, RFC 6750 §2.3, RFC 7636).</summary>
    [GeneratedRegex(
        @"(?<name>[?&#;](?:access_token|refresh_token|id_token|id_token_hint|code|code_verifier|client_secret|password|token|assertion|x-auth-password|x-auth-code|x-refresh-token|x-access-token|x-token|x-client-secret)=)[^&#\s""'<>]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();

    // Every secret parameter follows one of these; most log text has none, and a vectorized search is far cheaper.
    private static readonly SearchValues<char> ParameterStarts = SearchValues.Create("?&#;");

    public static bool NeedsRedaction(string? text) =>
        text is not null && text.AsSpan().IndexOfAny(ParameterStarts) >= 0 && SecretParameter().IsMatch(text);

    public static string Redact(string text) => SecretParameter().Replace(text, "${name}" + Mask);
}
