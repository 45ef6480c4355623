using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Keycard.AspNetCore;

/// <summary>
/// Keycard's issuer and signing keys, discovered from its authorization server metadata
/// (<c>&lt;Authority&gt;/.well-known/oauth-authorization-server</c>, RFC 8414 §3, whose <c>jwks_uri</c> names the JWKS)
/// and kept by the ecosystem's <see cref="ConfigurationManager{T}"/>: fetched again every
/// <see cref="AutomaticRefreshInterval"/> (the JWKS's own <c>max-age</c>, so a retired key stops validating as soon
/// as at Keycard's other resource servers), and at once when a token names a <c>kid</c> the cached set lacks (a key
/// rotated in with <c>keycard keys rotate --now</c>), at most once per <see cref="UnknownKeyRefreshInterval"/> so
/// tokens with made-up <c>kid</c>s cannot make this API hammer Keycard.
/// </summary>
public sealed partial class KeycardSigningKeys(IHttpClientFactory http, TimeProvider time, ILogger<KeycardSigningKeys> logger)
{
    public const string MetadataPath = "/.well-known/oauth-authorization-server";

    public static readonly TimeSpan AutomaticRefreshInterval = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>How long a request whose <c>kid</c> is unknown waits for the refresh it triggered.</summary>
    private static readonly TimeSpan RefreshWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RefreshPoll = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly IHttpClientFactory _http = http;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    /// <summary>
    /// The metadata (issuer, signing keys) to check <paramref name="token"/> against: the cached set, or a fresh one when
    /// the token's <c>kid</c> is not in it. Null when Keycard's metadata could not be read (the caller answers 503).
    /// </summary>
    public async Task<OpenIdConnectConfiguration?> ForAsync(JsonWebToken token, KeycardAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var source = _sources.GetOrAdd(options.Authority.TrimEnd('/'), authority => new Source(authority, options.RequireHttpsMetadata, this));
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await source.Manager.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            LogMetadataUnavailable(_logger, source.Manager.MetadataAddress, e.InnerException?.GetType().Name ?? e.GetType().Name);
            return null;
        }

        if (string.IsNullOrEmpty(token.Kid) || configuration.SigningKeys.Any(key => key.KeyId == token.Kid))
        {
            return configuration;
        }

        await source.RefreshAsync(configuration).WaitAsync(cancellationToken);
        return await source.Manager.GetConfigurationAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1750, Level = LogLevel.Warning, Message = "Keycard metadata {Address} could not be read ({Error}); JWTs get 503 until Keycard answers")]
    private static partial void LogMetadataUnavailable(ILogger logger, string address, string error);

    [LoggerMessage(EventId = 1751, Level = LogLevel.Information, Message = "A token names a signing key Keycard's cached JWKS lacks; fetching the metadata again")]
    private static partial void LogUnknownKey(ILogger logger);

    private sealed class Source
    {
        private readonly KeycardSigningKeys _owner;
        private readonly Lock _gate = new();
        private Task<OpenIdConnectConfiguration>? _refresh;
        private DateTimeOffset _refreshedAt;

        public Source(string authority, bool requireHttps, KeycardSigningKeys owner)
        {
            _owner = owner;
            Manager = new ConfigurationManager<OpenIdConnectConfiguration>(
                authority + MetadataPath,
                new MetadataRetriever(authority),
                new HttpDocumentRetriever(owner._http.CreateClient(KeycardIntrospector.HttpClientName)) { RequireHttps = requireHttps })
            {
                AutomaticRefreshInterval = AutomaticRefreshInterval,
                RefreshInterval = UnknownKeyRefreshInterval,
            };
        }

        public ConfigurationManager<OpenIdConnectConfiguration> Manager { get; }

        /// <summary>One refresh at a time, at most one per <see cref="UnknownKeyRefreshInterval"/>; concurrent callers share it.</summary>
        public Task<OpenIdConnectConfiguration> RefreshAsync(OpenIdConnectConfiguration stale)
        {
            lock (_gate)
            {
                var now = _owner._time.GetUtcNow();
                if (_refresh is null || (_refresh.IsCompleted && now - _refreshedAt >= UnknownKeyRefreshInterval))
                {
                    _refreshedAt = now;
                    _refresh = WaitForFreshAsync(stale);
                }

                return _refresh;
            }
        }

        // Microsoft.IdentityModel 8 refreshes in the background: RequestRefresh starts a fetch and returns. A request
        // answered 401 meanwhile would make iOFFICE's client library discard a good token, so it waits (boundedly) for
        // the fetch instead.
        private async Task<OpenIdConnectConfiguration> WaitForFreshAsync(OpenIdConnectConfiguration stale)
        {
            LogUnknownKey(_owner._logger);
            Manager.RequestRefresh();
            var deadline = _owner._time.GetUtcNow() + RefreshWait;
            while (true)
            {
                var current = await Manager.GetConfigurationAsync(CancellationToken.None);
                if (!ReferenceEquals(current, stale) || _owner._time.GetUtcNow() >= deadline)
                {
                    return current;
                }

                await Task.Delay(RefreshPoll, _owner._time, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Reads the metadata and its JWKS, refusing metadata whose <c>issuer</c> is not the configured authority
    /// (RFC 8414 §3.3: it MUST be identical), which then never replaces good metadata already held.
    /// </summary>
    private sealed class MetadataRetriever(string authority) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancel);
            if (!string.Equals(configuration.Issuer?.TrimEnd('/'), authority, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Keycard's metadata names the issuer '{configuration.Issuer}', not the configured Authority '{authority}'.");
            }

            return configuration;
        }
    }
}
