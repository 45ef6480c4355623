using Keycard.Core.Authorization;
using Keycard.Core.Clients;
using Keycard.Core.Consent;
using Keycard.Core.OpenIdConnect;
using Keycard.Core.Security;
using Keycard.Core.Signing;
using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Keycard.Core.Tests.Fakes;

/// <summary>
/// The protocol core wired to in-memory stores and a fake clock: no HTTP, no database. The token endpoint and its client
/// authentication are built as production builds them, by <see cref="KeycardCoreServiceCollectionExtensions.AddKeycardCore"/>
/// in a request scope of a real container, over the harness's stores, clock and options.
/// </summary>
public sealed class CoreHarness
{
    public const string RedirectUri = "https://app.example.com/callback";
    public const string PublicClientId = "spa";
    public const string ConfidentialClientId = "webapp";

    public CoreHarness(KeycardProtocolOptions? protocol = null)
    {
        Protocol = protocol ?? new KeycardProtocolOptions();
        Secret = SecureToken.Generate();
        PublicClient = new Client { ClientId = PublicClientId, Name = "SPA", AppCode = "spa", RedirectUris = [RedirectUri, RedirectUri + "2"] };
        ConfidentialClient = new Client
        {
            ClientId = ConfidentialClientId,
            Name = "Web app",
            AppCode = "webapp",
            RedirectUris = [RedirectUri],
            IsConfidential = true,
            SecretHash = SecureToken.Hash(Secret),
        };
        Clients = new InMemoryClientStore(PublicClient, ConfidentialClient);
        Throttle = new InMemoryAttemptThrottle(Time, Lockout);
        var options = Options.Create(Protocol);
        Codes = new CodeIssuer(Tokens, Time, options);
        SigningKeys = new FixedSigningKeyRing(Time.GetUtcNow());
        IdTokens = new IdTokenFactory(new JwtSigner(SigningKeys), options);
        var scope = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(options)
            .AddSingleton(Options.Create(Lockout))
            .AddSingleton<IClientStore>(Clients)
            .AddSingleton<IAttemptThrottle>(Throttle)
            .AddSingleton<ITokenStore>(Tokens)
            .AddSingleton<ISigningKeyRing>(SigningKeys)
            .AddSingleton<IUserAuthenticator>(Users)
            .AddKeycardCore()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true })
            .CreateScope();
        ClientAuthenticator = scope.ServiceProvider.GetRequiredService<ClientAuthenticator>();
        TokenService = scope.ServiceProvider.GetRequiredService<TokenService>();
        SignIn = new PasswordSignIn(Users, Throttle, Options.Create(Lockout));
        Consents = new InMemoryConsentStore(Tokens);
        Consent = new ConsentService(Consents, Tokens, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    public KeycardProtocolOptions Protocol { get; }

    public LockoutOptions Lockout { get; } = new();

    public string Secret { get; }

    public Client PublicClient { get; }

    public Client ConfidentialClient { get; }

    public InMemoryTokenStore Tokens { get; } = new();

    internal FixedSigningKeyRing SigningKeys { get; }

    public IdTokenFactory IdTokens { get; }

    public InMemoryClientStore Clients { get; }

    public InMemoryAttemptThrottle Throttle { get; }

    public FakeUserAuthenticator Users { get; } = new();

    public ClientAuthenticator ClientAuthenticator { get; }

    public CodeIssuer Codes { get; }

    public TokenService TokenService { get; }

    public PasswordSignIn SignIn { get; }

    public InMemoryConsentStore Consents { get; }

    public ConsentService Consent { get; }

    public async Task<string> IssueCodeAsync(string? scope = "email", string? challenge = null, string? redirectUri = RedirectUri)
    {
        var issued = await Codes.IssueAsync(new CodeGrantBinding(PublicClient, FakeUserAuthenticator.UserId, redirectUri, scope, challenge), CancellationToken.None);
        return issued.Code;
    }

    public Task<Errors.Result<IssuedTokens>> RedeemAsync(string code, string? verifier = null, string clientId = PublicClientId, string? redirectUri = RedirectUri, string? scope = null, string? secret = null, string? issuer = null) =>
        TokenService.HandleAsync(new TokenRequest
        {
            GrantType = "authorization_code",
            ClientId = clientId,
            ClientSecret = secret,
            Code = code,
            CodeVerifier = verifier,
            RedirectUri = redirectUri,
            Scope = scope,
            Issuer = issuer,
        }, CancellationToken.None);

    public Task<Errors.Result<IssuedTokens>> RefreshAsync(string refreshToken, string? scope = null, string clientId = PublicClientId, string? secret = null, string? issuer = null) =>
        TokenService.HandleAsync(new TokenRequest
        {
            GrantType = "refresh_token",
            ClientId = clientId,
            ClientSecret = secret,
            RefreshToken = refreshToken,
            Scope = scope,
            Issuer = issuer,
        }, CancellationToken.None);

    public async Task<IssuedTokens> SignInAsync()
    {
        var result = await RedeemAsync(await IssueCodeAsync());
        Assert.True(result.IsSuccess, result.Error?.Description);
        return result.Value;
    }

    public async Task<bool> IsLiveAsync(string value)
    {
        var token = await Tokens.FindAsync(SecureToken.StorageKey(value), CancellationToken.None);
        return token is { RevokedAt: null } && !token.IsExpired(Time.GetUtcNow());
    }
}
