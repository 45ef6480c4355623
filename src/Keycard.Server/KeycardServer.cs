using System.Net;
using Keycard.Core;
using Keycard.Core.Errors;
using Keycard.Core.Users;
using Keycard.Server.Endpoints.Api;
using Keycard.Server.Endpoints.Demo;
using Keycard.Server.Endpoints.IOffice;
using Keycard.Server.Endpoints.Login;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Gateway;
using Keycard.Server.Http;
using Keycard.Server.Json;
using Keycard.Server.Logging;
using Keycard.Storage;
using Keycard.Storage.Caching;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;

namespace Keycard.Server;

/// <summary>Composes the web application: services, middleware, and both dialects' endpoints.</summary>
internal static partial class KeycardServer
{
    private const int DefaultMinPoolThreads = 4;

    public static WebApplication Build(ServeOptions serve, string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // SQLite's ADO.NET provider is synchronous: its async calls hold a pool thread for the whole I/O, busy-waits
        // on the write lock included. On one core the pool starts with a single worker, so a floor keeps one slow
        // database call from stalling every other request while the pool grows. A high floor costs too: every thread
        // up to it runs at once, and on one core they preempt each other mid-request, which stretched the latency
        // tail (docs/benchmarks.md measured floors of 1, 4 and 16).
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var floor = builder.Configuration.GetValue("Keycard:MinPoolThreads", DefaultMinPoolThreads);
        ThreadPool.SetMinThreads(Math.Max(workers, floor), completionPorts);
        if (serve.Database is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Keycard:Database", serve.Database)]);
        }

        builder.WebHost.UseUrls(serve.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Generous transport limits so oversized input reaches RequestGuardMiddleware and gets a clear 400
            // with an error code instead of a bare 414/431.
            kestrel.Limits.MaxRequestLineSize = 4 * 1024 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 4 * 1024 * 1024;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Limits.MaxRequestBufferSize = 8 * 1024 * 1024;
        });

        // Request URLs may carry ?access_token=: the hosting and routing logs that print them stay at Warning, and
        // LogRedaction blanks secrets in whatever is logged anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        // Start-up failures are reported by `keycard serve` in one line; the host's own report is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        ConfigureServices(builder.Services, builder.Configuration, serve);

        var app = builder.Build();
        ConfigurePipeline(app, serve);
        return app;
    }

    private static void ConfigureServices(IServiceCollection services, IConfiguration configuration, ServeOptions serve)
    {
        services.AddLogRedaction();
        services.AddKeycardCore();
        services.AddOptions<KeycardProtocolOptions>().BindConfiguration("Keycard");
        services.AddOptions<LockoutOptions>().BindConfiguration("Keycard:Lockout");
        services.AddOptions<KeycardServerOptions>().BindConfiguration("Keycard");
        services.AddOptions<StoreCacheOptions>().BindConfiguration("Keycard:Cache");

        var location = DatabaseLocation.FromSetting(configuration["Keycard:Database"]);
        services.AddSingleton(sp => DatabaseLocation.FromSetting(sp.GetRequiredService<IConfiguration>()["Keycard:Database"]));
        services.AddKeycardStorage(location.Provider);

        // Anti-forgery keys live in the database, so a form served by one node can be posted to another.
        services.AddDataProtection().SetApplicationName("Keycard").PersistKeysToDbContext<KeycardDbContext>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "keycard.antiforgery";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__keycard_csrf";
            o.SuppressXFrameOptionsHeader = true;
        });
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.ValueLengthLimit = 8 * 1024;
            o.ValueCountLimit = 32;
            o.KeyLengthLimit = 256;
        });

        services.AddMemoryCache(o => o.SizeLimit = 100_000);
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, ClientOriginCorsPolicyProvider>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, KeycardJsonContext.Default));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OAuthJsonContext.Default));
        services.AddSignInSession(configuration);
        services.AddStandardOAuth();
        services.AddHostedService<TokenPruningService>();

        if (serve.BehindProxy)
        {
            services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;

                // X-Forwarded-* is honoured only from the proxies named here (loopback by default).
                foreach (var proxy in serve.KnownProxies)
                {
                    o.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            });
        }

        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        services.AddPasswordRateLimit();
        services.AddKeycardGateway(serve.Upstream);
    }

    private static void ConfigurePipeline(WebApplication app, ServeOptions serve)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandledErrorAsync });
        if (serve.BehindProxy)
        {
            app.UseForwardedHeaders();
        }

        // RFC 6797: HSTS on https responses (never on loopback hosts, which browsers share across ports).
        app.UseHsts();
        app.UseMiddleware<RequestGuardMiddleware>();
        app.UseRouting();
        app.UseCors();
        app.UseRateLimiter();

        app.MapGet("/", () => TypedResults.Redirect("/.well-known/keycard"));
        app.MapGet("/.well-known/keycard", () => TypedResults.Text("Keycard is running.\n"));
        app.MapGet("/healthz", () => TypedResults.Text("ok\n"));
        app.MapLoginPage();
        app.MapIOfficeDialect();
        app.MapStandardOAuth();
        app.MapRestApi();
        app.MapKeycardGateway();
        if (serve.Demo)
        {
            app.MapDemoApp();
        }
    }

    /// <summary>Never a stack trace: a JSON error with a stable code, 400 for malformed HTTP, 500 otherwise.</summary>
    private static Task WriteUnhandledErrorAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, error) = exception is BadHttpRequestException bad
            ? (bad.StatusCode, ProtocolError.InvalidRequest("The request is malformed."))
            : (StatusCodes.Status500InternalServerError, new ProtocolError(OAuthErrorCodes.ServerError, "The server failed to handle the request."));
        if (status >= 500)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Keycard.Server");
            LogUnhandled(logger, exception?.GetType().Name ?? "unknown", context.Request.Path);
        }

        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new IOfficeError(status, error.Code, error.Description), KeycardJsonContext.Default.IOfficeError);
    }

    // Logs the exception type and path only: exception messages can quote input, which may hold a secret.
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, PathString path);
}
