using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Keycard.Core.Errors;
using Keycard.Core.Tokens.Grants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keycard.Core.Diagnostics;

/// <summary>
/// Where the protocol reports its decisions: one event (<see cref="KeycardLog"/>), one counter of the "Keycard"
/// meter, and tags on the current request's trace. Client ids, grant types and user ids only, never a secret.
/// </summary>
public sealed class KeycardTelemetry
{
    public const string MeterName = "Keycard";
    public const string LogCategory = "Keycard";

    private readonly ILogger _log;
    private readonly Counter<long> _issued;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _signIns;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _reuse;
    private readonly Counter<long> _revocations;
    private readonly ConcurrentDictionary<string, CacheLookupCounts> _cacheLookups = new(StringComparer.Ordinal);

    public KeycardTelemetry(ILoggerFactory? loggers = null, IMeterFactory? meters = null)
    {
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger(LogCategory);
        Meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _issued = Meter.CreateCounter<long>("keycard.tokens.issued", "{response}", "Token responses issued, by grant type and client.");
        _rejected = Meter.CreateCounter<long>("keycard.token_requests.rejected", "{request}", "Token requests refused, by error code and reason.");
        _signIns = Meter.CreateCounter<long>("keycard.signins", "{attempt}", "Password sign-ins, by outcome (succeeded, failed, locked).");
        _lockouts = Meter.CreateCounter<long>("keycard.lockouts", "{attempt}", "Sign-ins refused because the account is locked.");
        _reuse = Meter.CreateCounter<long>("keycard.reuse_detections", "{event}", "Replayed codes and reused refresh tokens (each revokes a family).");
        _revocations = Meter.CreateCounter<long>("keycard.revocations", "{request}", "Tokens revoked on request, by token kind.");
        WriterBatchSize = Meter.CreateHistogram<int>("keycard.token_writer.batch_size", "{write}", "Token writes committed together in one transaction.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        WriterCommitDuration = Meter.CreateHistogram<double>("keycard.token_writer.commit.duration", "s", "Time to apply and durably commit one batch of token writes.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        Meter.CreateObservableCounter("keycard.cache.hits", () => CacheMeasurements(hits: true), "{lookup}", "Store lookups answered by the memory cache, by what was looked up.");
        Meter.CreateObservableCounter("keycard.cache.misses", () => CacheMeasurements(hits: false), "{lookup}", "Store lookups the memory cache could not answer, by what was looked up.");
    }

    public Meter Meter { get; }

    public ILogger Log => _log;

    public Histogram<int> WriterBatchSize { get; }

    public Histogram<double> WriterCommitDuration { get; }

    /// <summary>The hit and miss counts of one kind of cache entry (StoredToken, Client, ...), for the cache to keep.</summary>
    public CacheLookupCounts CacheLookups(string entry) => _cacheLookups.GetOrAdd(entry, static _ => new CacheLookupCounts());

    private IEnumerable<Measurement<long>> CacheMeasurements(bool hits)
    {
        foreach (var (entry, counts) in _cacheLookups)
        {
            yield return new Measurement<long>(hits ? counts.Hits : counts.Misses, new KeyValuePair<string, object?>("entry", entry));
        }
    }

    public void TokensIssued(string grantType, string clientId)
    {
        _issued.Add(1, new("grant_type", grantType), new("client_id", clientId));
        KeycardLog.TokensIssued(_log, clientId, grantType);
        Tag(grantType, clientId, "issued");
    }

    public void ClientAuthenticationFailed(string? clientId, string grantType)
    {
        var client = Label(clientId);
        _rejected.Add(1, new("grant_type", grantType), new("error", OAuthErrorCodes.InvalidClient), new("reason", nameof(FailureReason.Unspecified)));
        KeycardLog.ClientAuthenticationFailed(_log, client);
        Tag(grantType, client, OAuthErrorCodes.InvalidClient);
    }

    public void TokenRequestRejected(string grantType, string clientId, ProtocolError error)
    {
        _rejected.Add(1, new("grant_type", grantType), new("error", error.Code), new("reason", error.Reason.ToString()));
        Tag(grantType, clientId, error.Code);
        var kind = grantType == GrantTypes.RefreshToken ? "refresh token" : "authorization code";
        switch (error.Reason)
        {
            case FailureReason.CodeExpired:
                KeycardLog.CodeExpired(_log, clientId);
                break;
            case FailureReason.CodeReplayed:
                ReuseDetected("authorization_code");
                KeycardLog.CodeReplayed(_log, clientId);
                break;
            case FailureReason.PkceFailed:
                KeycardLog.PkceFailed(_log, clientId);
                break;
            case FailureReason.RedirectMismatch:
                KeycardLog.RedirectMismatch(_log, clientId);
                break;
            case FailureReason.ScopeMismatch:
                KeycardLog.ScopeMismatch(_log, clientId);
                break;
            case FailureReason.GrantUnknown:
                KeycardLog.GrantUnknown(_log, clientId, kind);
                break;
            case FailureReason.GrantOfAnotherClient:
                KeycardLog.GrantOfAnotherClient(_log, clientId, kind);
                break;
            case FailureReason.GrantRevoked:
                KeycardLog.GrantRevoked(_log, clientId, kind);
                break;
            case FailureReason.RefreshExpired:
                KeycardLog.RefreshExpired(_log, clientId);
                break;
            case FailureReason.RefreshReused:
                ReuseDetected("refresh_token");
                KeycardLog.RefreshReused(_log, clientId);
                break;
            default:
                KeycardLog.TokenRequestRejected(_log, clientId, error.Code, grantType);
                break;
        }
    }

    public void SignIn(string? userName, Result<int> result)
    {
        if (result.IsSuccess)
        {
            _signIns.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
            KeycardLog.SignInSucceeded(_log, result.Value);
            return;
        }

        var name = Label(userName);
        if (result.Error.Code == OAuthErrorCodes.TooManyAttempts)
        {
            _signIns.Add(1, new KeyValuePair<string, object?>("outcome", "locked"));
            _lockouts.Add(1);
            KeycardLog.AccountLocked(_log, name);
            return;
        }

        _signIns.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        KeycardLog.SignInFailed(_log, name);
    }

    public void TokenRevoked(string clientId, string tokenKind)
    {
        _revocations.Add(1, new KeyValuePair<string, object?>("token_kind", tokenKind));
        KeycardLog.TokenRevoked(_log, clientId, tokenKind);
    }

    private void ReuseDetected(string tokenKind) => _reuse.Add(1, new KeyValuePair<string, object?>("token_kind", tokenKind));

    /// <summary>
    /// Tags the request's trace (the ASP.NET Core activity) with what the protocol decided: no secret. Only a trace
    /// someone records: ASP.NET Core also starts an activity for its log scopes when no tracer listens, and tags
    /// there would be allocated for nobody.
    /// </summary>
    private static void Tag(string grantType, string clientId, string outcome)
    {
        if (Activity.Current is { IsAllDataRequested: true } activity && (activity.Recorded || activity.Source.HasListeners()))
        {
            activity.SetTag("keycard.grant_type", grantType);
            activity.SetTag("keycard.client_id", clientId);
            activity.SetTag("keycard.outcome", outcome);
        }
    }

    // A client id or user name as presented may be anything: a long value is cut short before it reaches a log.
    private static string Label(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value.Length <= 64 ? value : value[..64] + "...";
}
