using System.Net;
using Keycard.Core;
using Keycard.Core.Errors;
using Keycard.Core.Users;
using Keycard.Server.Configuration;
using Keycard.Server.Diagnostics;
using Keycard.Server.Endpoints.Api;
using Keycard.Server.Endpoints.Demo;
using Keycard.Server.Endpoints.Home;
using Keycard.Server.Endpoints.IOffice;
using Keycard.Server.Endpoints.Login;
using Keycard.Server.Endpoints.OAuth;
using Keycard.Server.Endpoints.OpenIdConnect;
using Keycard.Server.Gateway;
using Keycard.Server.Health;
using Keycard.Server.Http;
using Keycard.Server.Json;
using Keycard.Server.Logging;
using Keycard.Server.OpenApi;
using Keycard.Server.Signing;
using Keycard.Storage;
using Keycard.Storage.Caching;
using Keycard.Storage.DataProtection;
using Keycard.Storage.SigningKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Keycard.Server;

/// <summary>Composes the web application: services, middleware, and both dialects' endpoints.</summary>
internal static partial class KeycardServer
{
    /// <summary>The database location (--database, Keycard:Database, KEYCARD_DATABASE): see DatabaseLocation.</summary>
    public const string DatabaseSetting = "Keycard:Database";

    private const string AntiforgeryCookieName = "keycard.antiforgery";

    public static WebApplication Build(ServeOptions serve, string[] args)
    {
        var app = CreateBuilder(serve, args).Build();
        ConfigurePipeline(app, serve);
        return app;
    }

    /// <summary>The default floor of the thread pool's workers on SQLite (<see cref="PoolFloor"/>).</summary>
    public const int SqlitePoolFloor = 4;

    /// <summary>
    /// The floor of the thread pool's workers: <c>Keycard:MinPoolThreads</c> when set, else by database.
    /// SQLite's ADO.NET provider is synchronous: its async calls hold a pool thread for the whole I/O, busy-waits on the
    /// write lock included. On one core the pool starts with a single worker, so a floor of
    /// <see cref="SqlitePoolFloor"/> keeps one slow database call from stalling every other request while the pool
    /// grows. A higher floor costs too: every thread up to it runs at once, and on one core they preempt each other
    /// mid-request, which stretched the latency tail (docs/benchmarks.md measured floors of 1, 4 and 16).
    /// Npgsql's calls are truly asynchronous and hold no thread while PostgreSQL works, so there the pool keeps the
    /// runtime's own floor (one worker per core): extra idle workers only spin-wait for work, and on a host where
    /// PostgreSQL shares Keycard's cores that spinning took the CPU the database needed to answer (issue 14 item 8:
    /// a floor of 1 against 4, side by side, 1.5x the refresh and client_credentials throughput on PostgreSQL).
    /// </summary>
    internal static int PoolFloor(int? configured, DatabaseProvider provider) =>
        Math.Clamp(configured ?? (provider == DatabaseProvider.Sqlite ? SqlitePoolFloor : 1), 1, KeycardSettings.MaxPoolThreads);

    /// <summary>The runtime setting of the thread pool's spin-wait (runtimeconfig name; environment DOTNET_ThreadPool_UnfairSemaphoreSpinLimit).</summary>
    internal const string SpinLimitSwitch = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    /// <summary>
    /// How long an idle thread-pool worker spin-waits for work before it sleeps, by database, or null to keep the
    /// runtime's default (70). On one core every spin is a <c>sched_yield</c>, and below saturation the idle workers
    /// hand the core round among themselves. On PostgreSQL they do not spin: Npgsql holds no thread while the
    /// database works, so spinning only took the CPU that PostgreSQL on the same host needed to answer (issue 14
    /// item 8; side by side with the database on Keycard's core, on top of the floor of one worker: 1.33x the refresh
    /// and client_credentials throughput at 0.71-0.82x the CPU per request, docs/configuration.md). SQLite keeps the
    /// runtime's default: no spinning cut its CPU per request below saturation too, but cost 0.84x the
    /// client_credentials throughput at saturation, where a spinning worker takes the next request without a wake-up.
    /// </summary>
    internal static int? PoolSpinLimit(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? 0 : null;

    /// <summary>
    /// The spin limit Keycard sets at start: <see cref="PoolSpinLimit"/>, unless the operator chose one in
    /// runtimeconfig.json (<paramref name="configured"/>, the switch's current value) or in the environment
    /// (DOTNET_ or COMPlus_ThreadPool_UnfairSemaphoreSpinLimit); null leaves the runtime's own.
    /// </summary>
    internal static uint? PoolSpinLimitToSet(DatabaseProvider provider, object? configured, Func<string, string?> environment) =>
        PoolSpinLimit(provider) is { } limit && configured is null &&
        environment("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") is null && environment("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit") is null
            ? (uint)limit
            : null;

    /// <summary>The host builder with every service registered, before it is built (tests read its service list).</summary>
    internal static WebApplicationBuilder CreateBuilder(ServeOptions serve, string[] args)
    {
        // appsettings.json is read once at start, not watched: the watcher covers the whole working directory, where
        // keycard.db and its WAL live by default, so every token commit woke its thread (issue 16, docs/configuration.md).
        // First, so an operator's own --hostBuilder:reloadConfigOnChange=true still wins.
        var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

        if (serve.Database is not null)
        {
            builder.Configuration.AddInMemoryCollection([new(DatabaseSetting, serve.Database)]);
        }

        // Read before the container exists, so bound here by hand; the same value is range-checked at start (KeycardSettings).
        var server = builder.Configuration.GetSection("Keycard").Get<KeycardServerOptions>() ?? new KeycardServerOptions();
        // The provider decides the pool's floor and which services are registered, so the database setting is parsed
        // once, here, before the container exists; it stays a raw read because DatabaseLocation (Keycard.Storage)
        // parses it, falling back to KEYCARD_DATABASE.
        var database = DatabaseLocation.FromSetting(builder.Configuration[DatabaseSetting]);
        // The runtime reads the spin limit once, when it starts its first worker thread: `keycard serve` gets here on
        // its main thread before any pool work. A host that already runs workers (a test host) keeps its own.
        if (PoolSpinLimitToSet(database.Provider, AppContext.GetData(SpinLimitSwitch), Environment.GetEnvironmentVariable) is { } spinLimit)
        {
            AppContext.SetData(SpinLimitSwitch, spinLimit);
        }

        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, PoolFloor(server.MinPoolThreads, database.Provider)), completionPorts);

        builder.WebHost.UseUrls(serve.Urls);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            ApplyTransportLimits(kestrel.Limits);

            // UTF-8 when valid, else Latin-1 (Http/HeaderValueEncoding): a browser sends "é" in a password header as the
            // byte 0xE9, which Kestrel's UTF-8-only default answers with a bare 400. Every header, not only the x-auth-*
            // ones: Keycard reads each header it uses through its own input rules (Http/ParameterReader), which answer
            // in the route's dialect, and a byte outside ASCII in a header it does not read is opaque data (RFC 9110
            // §5.5), no reason to refuse the request.
            kestrel.RequestHeaderEncodingSelector = _ => HeaderValueEncoding.Instance;

            // Kestrel:Limits:* from any configuration source (appsettings, KEYCARD_ environment, command line) wins
            // over the defaults above: the host binds the Kestrel section before this callback runs, so bind it again.
            context.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
        });

        // The console shows one line per request (RequestLogMiddleware) and what an operator acts on: warnings and
        // errors. A setting for a more specific category (--Logging:LogLevel:Microsoft.AspNetCore.Cors=Information,
        // or Logging__LogLevel__… in the environment) still lifts one.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        // Request URLs may carry ?access_token=: the hosting and routing logs that print them stay at Warning, and
        // LogRedaction blanks secrets in whatever is logged anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        // A missing, stale or forged anti-forgery cookie or field is the client's doing and is answered (a 400 page or a
        // fresh form); the framework logs each one as a warning or an error with a stack trace, which anyone could
        // repeat to flood the log and trip alerts. The request line still records the answer.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Antiforgery", LogLevel.None);

        // Start-up failures are reported by `keycard serve` in one line; the host's own report is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        ConfigureServices(builder.Services, database, serve);
        builder.AddKeycardObservability();
        return builder;
    }

    /// <summary>
    /// Transport limits that match what Keycard accepts, so nothing it would refuse anyway is buffered first: the
    /// request guard refuses a query over 8 KiB and a header over 8 KiB (16 KiB for Cookie), so a request line or a
    /// header block a little larger than that still reaches it and gets its clear 400 with an error code, while
    /// anything far larger gets Kestrel's bare 414/431 after at most these few KiB. Connections are capped, and a
    /// client has 10 s to send its headers. Issue 14: 4 MiB limits let 400 connections stalling on one long header line
    /// hold 1.28 GB. docs/reliability.md gives the measured figures; every value can be overridden with Kestrel:Limits:*.
    /// </summary>
    internal static void ApplyTransportLimits(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = 16 * 1024;
        limits.MaxRequestHeadersTotalSize = 64 * 1024;
        limits.MaxRequestBodySize = 1024 * 1024;
        limits.MaxRequestBufferSize = 1024 * 1024;
        limits.MaxConcurrentConnections = 4096;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
    }

    private static void ConfigureServices(IServiceCollection services, DatabaseLocation database, ServeOptions serve)
    {
        services.AddLogRedaction();
        services.AddKeycardCore();
        services.AddOptions<KeycardProtocolOptions>().BindConfiguration("Keycard");
        services.AddOptions<LockoutOptions>().BindConfiguration("Keycard:Lockout");
        services.AddOptions<KeycardServerOptions>().BindConfiguration("Keycard");
        services.AddOptions<StoreCacheOptions>().BindConfiguration("Keycard:Cache");
        services.AddKeycardSettingRules();

        // Graceful shutdown (docs/operations.md): Kestrel stops accepting, in-flight requests finish (each one's token
        // write included) within this timeout, then disposing the container drains and closes the token writer.
        services.AddOptions<HostOptions>().Configure<IOptions<KeycardServerOptions>>((host, keycard) => host.ShutdownTimeout = keycard.Value.ShutdownTimeout);

        services.AddSingleton(sp =>
        {
            var server = sp.GetRequiredService<IOptions<KeycardServerOptions>>().Value;
            var location = database.WithTimeout(server.DatabaseTimeout);
            return server.AllowAsyncCommit ? location : location.WithSynchronousCommit();
        });
        services.AddKeycardStorage(database.Provider);

        // Anti-forgery and session keys live in the database, so a form served by one node can be posted to another,
        // encrypted at rest with a key-encryption key that is not in the database (docs/security.md).
        services.AddSingleton(sp => KeyEncryptionKey.Load(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<DatabaseLocation>()));
        services.AddDataProtection().SetApplicationName("Keycard").PersistKeysToDbContext<KeycardDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = new KekXmlEncryptor(sp.GetRequiredService<KeyEncryptionKey>())));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.Path = "/";
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
        services.AddSignInSession();
        services.AddStandardOAuth();
        services.AddHostedService<TokenPruningService>();
        services.AddOptions<SigningKeyOptions>().BindConfiguration(SigningKeyOptions.Section);
        services.AddHostedService<SigningKeyRotationService>();
        services.AddKeycardHealthChecks();
        services.AddKeycardOpenApi();
        services.AddHostedService<RevocationListener>();

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

        // Paths no dialect maps answer errors in the guide's shape, as they always have.
        services.AddSingleton<IErrorDialect>(IOfficeErrorDialect.Instance);
        services.AddKeycardGateway(serve.Upstream);
    }

    private static void ConfigurePipeline(WebApplication app, ServeOptions serve)
    {
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteUnhandledErrorAsync,
            SuppressDiagnosticsCallback = c => DatabaseFaults.SuppressDiagnostics(c.Exception),
        });

        // Routing's own empty 404 and 405 get a problem details body (RFC 9457); every other answer is left as it is.
        app.UseStatusCodePages(RoutingProblems.WriteAsync);

        if (serve.BehindProxy)
        {
            app.UseForwardedHeaders();
        }

        // RFC 6797: HSTS on https responses (never on loopback hosts, which browsers share across ports).
        app.UseHsts();
        app.UseMiddleware<HostPrefixCookieMiddleware>((IReadOnlyList<string>)[SignInSession.CookieName, AntiforgeryCookieName]);

        // Routing first, so the guard's errors take the shape of the dialect the route belongs to (ErrorWriter), and so
        // authentication knows which requests are proxied.
        app.UseRouting();

        // The sign-in session cookie is for Keycard's own pages: a proxied route answers to its access token alone, and
        // the token, revocation, introspection and tokeninfo endpoints and the REST API to the client's credentials or
        // a bearer token (NoSignInSession), so they are spared the cookie handler's work (GatewayServices.IsProxied).
        // Named here so the host does not put authentication first, where it would read the session cookie before
        // HostPrefixCookieMiddleware renamed it.
        app.UseWhen(UsesSignInSession, branch =>
        {
            branch.UseAuthentication();
            CopyMiddlewareMarks(branch, app);
        });

        // Were it left to the host, authorization would run first for every request, before routing, where it has no
        // endpoint to read and so applies no policy but a fallback one. Keycard's endpoints carry no authorization
        // metadata and it sets no fallback policy; an endpoint with metadata (or every request, given a fallback policy)
        // gets authorization here, after routing and authentication.
        if (app.Services.GetService<IServiceProviderIsService>()?.IsService(typeof(IAuthorizationHandlerProvider)) is true)
        {
            var fallback = app.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy is not null;
            app.UseWhen(context => fallback || HasAuthorizationMetadata(context), branch =>
            {
                branch.UseAuthorization();
                CopyMiddlewareMarks(branch, app);
            });
        }

        app.UseMiddleware<RequestGuardMiddleware>();
        app.UseMiddleware<CorsWithoutScopeMiddleware>();
        app.UseRateLimiter();

        // Keycard's own endpoints, in one group whose GET endpoints answer HEAD too (RFC 9110 §9.1, Http/HeadRequests).
        var own = app.MapGroup("").AnswerHeadLikeGet();
        own.MapHome(serve.Demo);
        app.MapKeycardHealth();
        app.MapKeycardMetrics();
        app.MapKeycardOpenApi(serve.Demo || app.Services.GetRequiredService<IOptions<KeycardServerOptions>>().Value.ApiReference);
        own.MapLoginPage();
        own.MapConsentPages();
        own.MapIOfficeDialect();
        own.MapStandardOAuth();
        own.MapJwks();
        own.MapOpenIdConnect();
        own.MapRestApi();
        app.MapKeycardGateway();
        if (serve.Demo)
        {
            own.MapDemoApp();
        }
    }

    private static bool UsesSignInSession(HttpContext context) =>
        !GatewayServices.IsProxied(context) && context.GetEndpoint()?.Metadata.GetMetadata<NoSignInSession>() is null;

    private static bool HasAuthorizationMetadata(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<IAuthorizeData>() is not null
            || metadata.GetMetadata<IAuthorizationRequirementData>() is not null
            || metadata.GetMetadata<Microsoft.AspNetCore.Authorization.AuthorizationPolicy>() is not null);

    /// <summary>
    /// UseAuthentication and UseAuthorization mark their builder so the host does not add them again in front of the
    /// pipeline; in a branch the mark lands on the branch, so it is copied to the app (GatewayAuthenticationTests).
    /// </summary>
    private static void CopyMiddlewareMarks(IApplicationBuilder branch, IApplicationBuilder app)
    {
        foreach (var (key, value) in branch.Properties.Where(p => !app.Properties.ContainsKey(p.Key)).ToList())
        {
            app.Properties[key] = value;
        }
    }

    /// <summary>Never a stack trace: a JSON error with a stable code, 400 for malformed HTTP, 503 while the database is
    /// unavailable (Http/DatabaseFaults), 500 otherwise.</summary>
    private static Task WriteUnhandledErrorAsync(HttpContext context)
    {
        var feature = context.Features.Get<IExceptionHandlerFeature>();
        var exception = feature?.Error;
        var (status, error) = DatabaseFaults.Classify(context, exception) is { } unavailable
            ? (StatusCodes.Status503ServiceUnavailable, unavailable)
            : exception is BadHttpRequestException bad
            ? (bad.StatusCode, ProtocolError.InvalidRequest("The request is malformed."))
            : (StatusCodes.Status500InternalServerError, new ProtocolError(OAuthErrorCodes.ServerError, "The server failed to handle the request."));
        if (status >= 500 && status != StatusCodes.Status503ServiceUnavailable)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Keycard.Server");
            LogUnhandled(logger, exception?.GetType().Name ?? "unknown", context.Request.Path);
        }

        // The exception handler clears the endpoint before it runs; the feature keeps the one the request matched.
        return ErrorWriter.WriteAsync(context, error, status, feature?.Endpoint);
    }

    // Logs the exception type and path only: exception messages can quote input, which may hold a secret.
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, PathString path);
}
