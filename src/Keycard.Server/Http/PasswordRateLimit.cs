using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Keycard.Core.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Http;

/// <summary>
/// A per-address cap on password attempts (OWASP Authentication Cheat Sheet, "Protect against automated attacks";
/// RFC 6749 §10.10), beside the per-account lockout of <see cref="Core.Users.PasswordSignIn"/>: the lockout stops
/// guessing one account, this stops one address spraying many accounts. Endpoints opt in with
/// <c>.RequireRateLimiting(PasswordRateLimit.PolicyName)</c>.
/// The counters live in this process: each node limits on its own (the account counters are in the database).
/// </summary>
internal static class PasswordRateLimit
{
    public const string PolicyName = "password";

    /// <summary>The partition of the requests an endpoint's <see cref="SpendsNoAttemptWhen"/> says carry no password.</summary>
    private const string NoAttempt = "no-password";

    public static IServiceCollection AddPasswordRateLimit(this IServiceCollection services)
    {
        services.AddOptions<PasswordRateLimitOptions>().BindConfiguration("Keycard:RateLimit");
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            o.AddPolicy(PolicyName, context =>
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<SpendsNoAttemptWhen>() is { } exempt && exempt.Applies(context.Request))
                {
                    return RateLimitPartition.GetNoLimiter(NoAttempt);
                }

                var options = context.RequestServices.GetRequiredService<IOptions<PasswordRateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, options.PasswordPermitsPerMinute),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return services;
    }

    /// <summary>
    /// Endpoint metadata beside <c>.RequireRateLimiting(PolicyName)</c>: the requests of that endpoint for which
    /// <see cref="Applies"/> is true carry no password, so they spend no attempt of the address.
    /// </summary>
    public sealed record SpendsNoAttemptWhen(Func<HttpRequest, bool> Applies);

    /// <summary>
    /// The client's address (after forwarded headers from a trusted proxy). IPv6 clients usually hold a whole /64,
    /// so they are counted per /64, not per address.
    /// </summary>
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    /// <summary>429 with Retry-After (RFC 6585 §4), in the shape of the route's dialect (a page on the sign-in form).</summary>
    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = (long)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
        var error = ProtocolError.TooManyAttempts($"Too many password attempts from this address; try again in {seconds} seconds.", wait);
        await ErrorWriter.WriteAsync(context, error, StatusCodes.Status429TooManyRequests);
    }
}
