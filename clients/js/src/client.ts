import {
  type BroadcastChannelLike,
  type LockManagerLike,
  type TabMessage,
  TabCoordinator,
  defaultChannel,
  defaultLocks,
} from './coordination.js';
import { KeycardError, SdkErrorCodes, errorFromResponse } from './errors.js';
import { type IdTokenClaims, decodeIdToken, validateIdToken } from './oidc.js';
import {
  type AuthorizationServerMetadata,
  type FetchLike,
  type KeycardDialect,
  type KeycardTokens,
  type StandardEndpoints,
  type TokenRequestContext,
  buildAuthorizeUrl,
  buildEndSessionUrl,
  buildLoginUrl,
  exchangeCode,
  exchangeCodeStandard,
  fetchMetadata,
  normalizeSite,
  parseRedirectUrl,
  refreshTokens,
  refreshTokensStandard,
  revokeToken,
  revokeTokenStandard,
  send,
  standardEndpoints,
  stripRedirectParameters,
  supportsS256,
} from './protocol.js';
import { type CryptoLike, createCodeChallenge, createCodeVerifier, randomToken } from './random.js';
import { type KeycardStorage, browserStorage, createMemoryStorage, readJson } from './storage.js';

export interface KeycardClientOptions {
  /** The Keycard server, e.g. "https://auth.example.com". */
  site: string;
  clientId: string;
  /** Must be registered for the client; sent on login, exchange and refresh. */
  redirectUri: string;
  /** With `openid` (e.g. `'openid profile email'`) the SDK signs in with OpenID Connect and keeps the ID token. */
  scope: string;
  /**
   * `'ioffice'`: Keycard's header dialect (`/login.html`, the code in the fragment, `x-*` headers). `'standard'`:
   * RFC 6749 and OpenID Connect (endpoints from discovery, form bodies, ID tokens). Default `'standard'` when `scope`
   * contains `openid`, else `'ioffice'`.
   */
  dialect?: KeycardDialect;
  /**
   * Where Keycard sends the browser back after `logout()` ended its sign-in session; must be registered for the
   * client (`keycard client add --post-logout-redirect-uri`). Without it Keycard shows its own signed-out page.
   */
  postLogoutRedirectUri?: string;
  /**
   * Keycard's end_session endpoint (OpenID Connect RP-Initiated Logout 1.0). Default: `end_session_endpoint` of
   * `/.well-known/openid-configuration`. `null`: `logout()` only revokes and forgets the tokens.
   */
  endSessionEndpoint?: string | null;
  /**
   * Where tokens live. Default `localStorage`: shared by the tabs of the origin and kept across reloads, but
   * readable by any script that runs on the origin (an XSS flaw can steal the refresh token). `'memory'` keeps them
   * only in this page: nothing is written to Web Storage, each tab signs in on its own (Keycard's sign-in session
   * makes that a redirect without the form) and a reload signs in again. See docs/security.md.
   */
  storage?: KeycardStorage | 'memory';
  /** Where the state and PKCE verifier of a sign-in in progress live. Default `sessionStorage`. */
  sessionStorage?: KeycardStorage;
  fetch?: FetchLike;
  /** Refresh when less than this remains of the access token's life. Default 30 000 ms. */
  refreshMarginMs?: number;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** `'auto'` (default) uses PKCE when discovery lists S256; `true` always; `false` never. */
  pkce?: 'auto' | boolean;
  /** Performs the sign-in navigation. Default `location.assign`. */
  navigate?: (url: string) => void;
  /** Removes the authorization response from the address bar. Default `history.replaceState`. */
  replaceUrl?: (cleanUrl: string, originalUrl: string) => void;
  /** Cross-tab lock. Default `navigator.locks`; `null` disables. */
  locks?: LockManagerLike | null;
  /** Cross-tab messages. Default a `BroadcastChannel` named after the client; `null` disables. */
  broadcastChannel?: BroadcastChannelLike | null;
  crypto?: CryptoLike;
  /** Without Web Locks, how long to wait at most for another tab's refresh. Default 10 000 ms. */
  crossTabWaitMs?: number;
}

export interface LoginOptions {
  /** Overrides the client's scope for this sign-in; later refreshes repeat it. */
  scope?: string;
  /** Overrides the client's `navigate` for this call. */
  navigate?: (url: string) => void;
}

export interface LogoutOptions {
  /** `false` only revokes and forgets the tokens, leaving Keycard's sign-in session. Default `true`. */
  endSession?: boolean;
  /** Overrides the client's `postLogoutRedirectUri` for this call. */
  postLogoutRedirectUri?: string;
  /** Overrides the client's `navigate` for this call. */
  navigate?: (url: string) => void;
}

export type KeycardChangeReason = 'signed-in' | 'refreshed' | 'signed-out';

export interface KeycardChangeEvent {
  readonly reason: KeycardChangeReason;
  /** The tokens now stored, `null` after sign-out. */
  readonly tokens: KeycardTokens | null;
  /** True when another tab made the change. */
  readonly fromOtherTab: boolean;
}

export type KeycardChangeListener = (event: KeycardChangeEvent) => void;

export interface KeycardClient {
  readonly site: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly dialect: KeycardDialect;
  /** Prepares state (and PKCE) in sessionStorage and navigates to the login page. */
  login(options?: LoginOptions): Promise<void>;
  /** Like `login` without navigating: prepares state (and PKCE) and returns the login URL. */
  createLoginUrl(options?: Pick<LoginOptions, 'scope'>): Promise<string>;
  /**
   * Completes sign-in on the redirect page. `null` when the URL carries no authorization response. On the
   * post-logout redirect URI it also checks the `state` of a logout this tab started (see `handleLogoutRedirect`).
   */
  handleRedirect(url?: string): Promise<KeycardTokens | null>;
  /**
   * On the post-logout redirect URI: `true` when Keycard came back from a logout this tab started with the same
   * `state` (which is then removed from the address bar), `false` when the URL is no logout response. A different
   * `state` throws `state_mismatch`.
   */
  handleLogoutRedirect(url?: string): boolean;
  /** Calls `${site}/external/api/rest/v2/<path>` with the access token, refreshing as needed. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** An access token that is not about to expire, refreshing first when needed. */
  getAccessToken(): Promise<string>;
  /** Refreshes now (joining a refresh already running in this or another tab). */
  refresh(): Promise<KeycardTokens>;
  getTokens(): KeycardTokens | null;
  /** True while tokens are stored (the access token may be expired but refreshable). */
  isAuthenticated(): boolean;
  /** When the access token expires (epoch ms), or `null`. */
  expiresAt(): number | null;
  /**
   * Revokes both tokens (best effort), forgets them, then ends Keycard's sign-in session: navigates to the
   * end_session endpoint with `id_token_hint` (when an ID token is held), `client_id`, `post_logout_redirect_uri`
   * and a fresh `state`. Without an end_session endpoint (none configured or discovered) it stops after forgetting.
   */
  logout(options?: LogoutOptions): Promise<void>;
  /** The claims of the ID token held (checked when it was received), or `null`. */
  getIdTokenClaims(): IdTokenClaims | null;
  /**
   * OpenID Connect Core §5.3: the signed-in user's claims from the UserInfo endpoint (discovery's
   * `userinfo_endpoint`), with a fresh access token. Its `sub` must be the ID token's (§5.3.4).
   */
  userinfo(): Promise<Record<string, unknown>>;
  /** Listens for sign-in, refresh and sign-out, in this tab and others. Returns an unsubscribe function. */
  onChange(listener: KeycardChangeListener): () => void;
  /** Stops listening to other tabs. */
  close(): void;
}

interface PendingLogin {
  state: string;
  codeVerifier: string | null;
  scope: string;
  /** Sent with an OpenID Connect sign-in; the ID token must carry it back. */
  nonce?: string | null;
}

interface PendingLogout {
  state: string;
  postLogoutRedirectUri: string;
}

const defaultRefreshMarginMs = 30_000;

export function createKeycardClient(options: KeycardClientOptions): KeycardClient {
  const site = normalizeSite(options.site);
  const { clientId, redirectUri, scope } = options;
  for (const [name, value] of Object.entries({ clientId, redirectUri, scope })) {
    if (typeof value !== 'string' || value === '') {
      throw new KeycardError({ error: SdkErrorCodes.invalidRequest, errorDescription: `${name} is required` });
    }
  }

  const inMemory = options.storage === 'memory';
  const storage =
    options.storage === 'memory' ? createMemoryStorage() : (options.storage ?? browserStorage('localStorage'));
  const sessionStore = options.sessionStorage ?? browserStorage('sessionStorage');
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  const refreshMarginMs = options.refreshMarginMs ?? defaultRefreshMarginMs;
  const pkce = options.pkce ?? 'auto';
  const navigate = options.navigate ?? defaultNavigate;
  const replaceUrl = options.replaceUrl ?? defaultReplaceUrl;
  const crypto = options.crypto ?? (globalThis.crypto as CryptoLike | undefined);

  const dialect: KeycardDialect = options.dialect ?? (hasOpenIdScope(scope) ? 'standard' : 'ioffice');
  if (dialect !== 'ioffice' && dialect !== 'standard') {
    throw new KeycardError({ error: SdkErrorCodes.invalidRequest, errorDescription: `unknown dialect "${String(dialect)}"` });
  }
  const tokensKey = `keycard:${clientId}:tokens`;
  const pendingKey = `keycard:${clientId}:login`;
  const logoutKey = `keycard:${clientId}:logout`;
  const apiBase = `${site}/external/api/rest/v2`;
  const context: TokenRequestContext = { fetch: fetchFn, site, clientId, redirectUri, now };

  const coordinator = new TabCoordinator(
    `keycard:${site}:${clientId}:tokens`,
    // In memory, tabs share no tokens, so there is nothing to coordinate between them.
    options.locks === undefined ? (inMemory ? null : defaultLocks()) : options.locks,
    options.broadcastChannel === undefined
      ? inMemory
        ? null
        : defaultChannel(`keycard:${clientId}`)
      : options.broadcastChannel,
    options.crossTabWaitMs ?? 10_000,
  );

  const listeners = new Set<KeycardChangeListener>();
  const redirectsInFlight = new Map<string, Promise<KeycardTokens | null>>();
  let refreshInFlight: Promise<KeycardTokens> | null = null;
  let metadata: AuthorizationServerMetadata | null = null;
  let openIdMetadata: AuthorizationServerMetadata | null = null;

  coordinator.onMessage((message: TabMessage) => {
    if (message.type === 'changed') emit({ reason: message.reason, tokens: readTokens(), fromOtherTab: true });
  });

  function emit(event: KeycardChangeEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('Keycard onChange listener failed', error);
      }
    }
  }

  function readTokens(): KeycardTokens | null {
    return readJson(storage, tokensKey, isStoredTokens);
  }

  function writeTokens(tokens: KeycardTokens, reason: 'signed-in' | 'refreshed'): void {
    storage.setItem(tokensKey, JSON.stringify(tokens));
    emit({ reason, tokens, fromOtherTab: false });
    coordinator.post({ keycard: 1, type: 'changed', reason });
  }

  function clearTokens(): void {
    storage.removeItem(tokensKey);
    emit({ reason: 'signed-out', tokens: null, fromOtherTab: false });
    coordinator.post({ keycard: 1, type: 'changed', reason: 'signed-out' });
  }

  function needsRefresh(tokens: KeycardTokens): boolean {
    return tokens.expiresAt !== null && tokens.expiresAt - now() < refreshMarginMs;
  }

  function isExpired(tokens: KeycardTokens): boolean {
    return tokens.expiresAt !== null && tokens.expiresAt <= now();
  }

  function requireCrypto(): CryptoLike {
    if (!crypto) {
      throw new KeycardError({
        error: SdkErrorCodes.invalidRequest,
        errorDescription: 'Web Crypto is not available; pass options.crypto',
      });
    }
    return crypto;
  }

  async function discover(): Promise<AuthorizationServerMetadata | null> {
    // Only a successful answer is cached: a server that was down may be up at the next sign-in.
    metadata ??= await fetchMetadata(fetchFn, site);
    return metadata;
  }

  /** OpenID Connect Discovery 1.0 §4; the issuer must be the site the document was fetched from (§4.3). */
  async function discoverOpenId(): Promise<AuthorizationServerMetadata | null> {
    if (openIdMetadata === null) {
      const fetched = await fetchMetadata(fetchFn, site, 'openid-configuration');
      if (fetched !== null && fetched.issuer !== undefined && fetched.issuer !== site) {
        throw new KeycardError({
          error: SdkErrorCodes.invalidResponse,
          errorDescription: `the discovery document names issuer "${String(fetched.issuer)}", not "${site}"`,
        });
      }
      openIdMetadata = fetched;
    }
    return openIdMetadata;
  }

  /** The standard dialect's endpoints: OpenID Connect discovery, else RFC 8414, else Keycard's own paths. */
  async function endpoints(): Promise<StandardEndpoints> {
    return standardEndpoints(site, (await discoverOpenId()) ?? (await discover()));
  }

  async function endSessionEndpoint(): Promise<string | null> {
    if (options.endSessionEndpoint !== undefined) return options.endSessionEndpoint;
    return (await discoverOpenId())?.end_session_endpoint ?? null;
  }

  async function createLoginUrl(loginOptions: Pick<LoginOptions, 'scope'> = {}): Promise<string> {
    const random = requireCrypto();
    const loginScope = loginOptions.scope ?? scope;
    const standard = dialect === 'standard' ? await endpoints() : null;
    // crypto.subtle exists only in secure contexts (https, localhost); 'auto' then goes without PKCE.
    const usePkce =
      pkce === 'auto'
        ? random.subtle !== undefined && supportsS256(standard !== null ? ((await discoverOpenId()) ?? (await discover())) : await discover())
        : pkce;
    const state = randomToken(random);
    const codeVerifier = usePkce ? createCodeVerifier(random) : null;
    const codeChallenge = codeVerifier === null ? undefined : await createCodeChallenge(random, codeVerifier);
    // OpenID Connect Core §3.1.2.1: a nonce ties the ID token to this request (replay protection).
    const nonce = standard !== null && hasOpenIdScope(loginScope) ? randomToken(random) : null;
    const pending: PendingLogin = { state, codeVerifier, scope: loginScope, nonce };
    sessionStore.setItem(pendingKey, JSON.stringify(pending));
    if (standard === null) return buildLoginUrl({ site, clientId, redirectUri, scope: loginScope, state, codeChallenge });
    return buildAuthorizeUrl({
      authorizationEndpoint: standard.authorizationEndpoint,
      clientId,
      redirectUri,
      scope: loginScope,
      state,
      nonce: nonce ?? undefined,
      codeChallenge,
    });
  }

  async function login(loginOptions: LoginOptions = {}): Promise<void> {
    const url = await createLoginUrl(loginOptions);
    (loginOptions.navigate ?? navigate)(url);
  }

  function handleRedirect(url: string = currentUrl()): Promise<KeycardTokens | null> {
    const result = parseRedirectUrl(url);
    if (result === null) {
      try {
        handleLogoutRedirect(url);
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve(null);
    }
    // Frameworks may run the redirect handler twice (React strict mode); the code is single use.
    const existing = redirectsInFlight.get(url);
    if (existing) return existing;

    const pending = readJson(sessionStore, pendingKey, isPendingLogin);
    sessionStore.removeItem(pendingKey);
    const cleanUrl = stripRedirectParameters(url);
    if (cleanUrl !== url) replaceUrl(cleanUrl, url);

    const completion = (async (): Promise<KeycardTokens> => {
      const standard = dialect === 'standard' ? await endpoints() : null;
      if (standard !== null) {
        // RFC 9207 §2.4: an authorization response from another issuer (a mix-up attack) is refused.
        const iss = new URLSearchParams(new URL(url).search).get('iss') ?? new URLSearchParams(new URL(url).hash.slice(1)).get('iss');
        if (iss !== null ? iss !== standard.issuer : standard.issParameterSupported) {
          throw new KeycardError({
            error: SdkErrorCodes.invalidResponse,
            errorDescription: `the authorization response's iss is ${iss === null ? 'missing' : `"${iss}"`}, expected "${standard.issuer}"`,
          });
        }
      }
      if (result.kind === 'error') {
        throw new KeycardError({ error: result.error, errorDescription: result.errorDescription ?? undefined });
      }
      // RFC 6749 §10.12: only complete a sign-in this tab started, or an attacker could log the
      // user into the attacker's account.
      if (pending === null || result.state === null || !constantTimeEqual(result.state, pending.state)) {
        throw new KeycardError({
          error: SdkErrorCodes.stateMismatch,
          errorDescription:
            pending === null
              ? 'no sign-in was started in this tab (sessionStorage holds no state); call login() again'
              : 'the state returned by the server does not match the one sent; call login() again',
        });
      }
      const tokens =
        standard === null
          ? await exchangeCode(context, result.code, pending.scope, pending.codeVerifier)
          : await exchangeCodeStandard(context, standard.tokenEndpoint, result.code, pending.scope, pending.codeVerifier);
      if (standard !== null && (pending.nonce ?? null) !== null) {
        if (tokens.idToken === undefined) {
          // OpenID Connect Core §3.1.3.3: a successful response to an `openid` request contains an ID token.
          throw new KeycardError({ error: SdkErrorCodes.invalidIdToken, errorDescription: 'the token response has no id_token' });
        }
        validateIdToken(tokens.idToken, { issuer: standard.issuer, clientId, nonce: pending.nonce ?? null, now: now() });
      }
      writeTokens(tokens, 'signed-in');
      return tokens;
    })();
    redirectsInFlight.set(url, completion);
    const forget = (): void => {
      redirectsInFlight.delete(url);
    };
    completion.then(forget, forget);
    return completion;
  }

  function refreshFrom(staleAccessToken: string | null): Promise<KeycardTokens> {
    if (refreshInFlight) return refreshInFlight;
    const attempt = coordinator.exclusive(async () => {
      const latest = readTokens();
      if (latest === null) throw loginRequired('the user is signed out');
      // While this tab waited for the lock, another tab may already have rotated the tokens.
      if (latest.accessToken !== staleAccessToken && !needsRefresh(latest)) return latest;
      if (latest.refreshToken === null) {
        clearTokens();
        throw loginRequired('no refresh token was issued');
      }
      try {
        const fresh = await refreshWith(latest, latest.refreshToken);
        writeTokens(fresh, 'refreshed');
        return fresh;
      } catch (error) {
        const current = readTokens();
        if (current !== null && current.refreshToken !== latest.refreshToken) return current;
        // 400/401 from the token endpoint: the refresh token is revoked, expired or already used.
        if (error instanceof KeycardError && (error.status === 400 || error.status === 401)) clearTokens();
        throw error;
      }
    });
    refreshInFlight = attempt;
    const forget = (): void => {
      if (refreshInFlight === attempt) refreshInFlight = null;
    };
    attempt.then(forget, forget);
    return attempt;
  }

  async function refreshWith(latest: KeycardTokens, refreshToken: string): Promise<KeycardTokens> {
    if (dialect === 'ioffice') return refreshTokens(context, refreshToken, latest.scope);
    const standard = await endpoints();
    const fresh = await refreshTokensStandard(context, standard.tokenEndpoint, refreshToken, latest.scope);
    if (fresh.idToken === undefined) {
      // OpenID Connect Core §12.2: the response may carry no new ID token; the last one stays the hint for logout.
      return latest.idToken === undefined ? fresh : { ...fresh, idToken: latest.idToken };
    }
    const previous = latest.idToken === undefined ? null : decodeIdToken(latest.idToken);
    validateIdToken(fresh.idToken, { issuer: standard.issuer, clientId, nonce: null, now: now(), previous });
    return fresh;
  }

  async function freshTokens(): Promise<KeycardTokens> {
    const tokens = readTokens();
    if (tokens === null) throw loginRequired('the user is not signed in');
    if (!needsRefresh(tokens)) return tokens;
    try {
      return await refreshFrom(tokens.accessToken);
    } catch (error) {
      // A proactive refresh that failed for a passing reason (offline, 5xx) must not block a token
      // that still works; a rejected refresh token has already been cleared and ends here.
      const current = readTokens();
      if (current !== null && !isExpired(current)) return current;
      throw error;
    }
  }

  function apiUrl(path: string): string {
    if (/^[a-z][a-z\d+.-]*:|^\/\//i.test(path)) {
      // The access token must never travel to another origin.
      if (path.startsWith(`${apiBase}/`)) return path;
      throw new KeycardError({
        error: SdkErrorCodes.invalidRequest,
        errorDescription: `fetch() takes a path under ${apiBase}/, got "${path}"`,
      });
    }
    return `${apiBase}/${path.replace(/^\/+/, '')}`;
  }

  function callApi(url: string, init: RequestInit, accessToken: string): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('x-access-token', accessToken);
    return send(fetchFn, url, { ...init, headers, credentials: 'omit' });
  }

  async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const url = apiUrl(path);
    let tokens = await freshTokens();
    let response = await callApi(url, init, tokens.accessToken);
    if (response.status === 403) {
      // iOFFICE: 403 means the access token expired. Refresh once and retry once, never more.
      tokens = await refreshFrom(tokens.accessToken);
      response = await callApi(url, init, tokens.accessToken);
    }
    if (response.status === 401) {
      // 401: the token is not valid at all; a refresh would not help. Forget it unless another
      // tab has stored new tokens in the meantime.
      if (readTokens()?.accessToken === tokens.accessToken) clearTokens();
      const error = await errorFromResponse(response, SdkErrorCodes.invalidToken);
      throw new KeycardError({
        error: SdkErrorCodes.invalidToken,
        errorDescription: error.errorDescription ?? 'the access token was rejected; sign in again',
        status: 401,
        cause: error,
      });
    }
    return response;
  }

  async function logout(logoutOptions: LogoutOptions = {}): Promise<void> {
    const tokens = await coordinator.exclusive(async () => {
      const current = readTokens();
      clearTokens();
      return current;
    });
    if (tokens !== null) {
      // Best effort: the user is signed out locally whatever the server answers.
      await Promise.allSettled(revokeBoth(tokens));
    }
    if (logoutOptions.endSession === false) return;
    // Without this step the browser keeps Keycard's sign-in session, and on a shared browser the next person to
    // press "Sign in" would be signed in as this user (OpenID Connect RP-Initiated Logout 1.0 §2).
    let endpoint: string | null;
    try {
      endpoint = await endSessionEndpoint();
    } catch {
      endpoint = null;
    }
    if (endpoint === null) return;
    const postLogoutRedirectUri = logoutOptions.postLogoutRedirectUri ?? options.postLogoutRedirectUri;
    let state: string | undefined;
    if (postLogoutRedirectUri !== undefined) {
      state = randomToken(requireCrypto());
      const pending: PendingLogout = { state, postLogoutRedirectUri };
      sessionStore.setItem(logoutKey, JSON.stringify(pending));
    }
    (logoutOptions.navigate ?? navigate)(
      buildEndSessionUrl({
        endSessionEndpoint: endpoint,
        clientId,
        idTokenHint: tokens?.idToken,
        postLogoutRedirectUri,
        state,
      }),
    );
  }

  function revokeBoth(tokens: KeycardTokens): Promise<void>[] {
    if (dialect === 'ioffice') {
      return [tokens.refreshToken, tokens.accessToken]
        .filter((token): token is string => token !== null)
        .map((token) => revokeToken(context, token));
    }
    const revoke = async (token: string, hint: 'access_token' | 'refresh_token'): Promise<void> =>
      revokeTokenStandard(context, (await endpoints()).revocationEndpoint, token, hint);
    return [
      ...(tokens.refreshToken === null ? [] : [revoke(tokens.refreshToken, 'refresh_token')]),
      revoke(tokens.accessToken, 'access_token'),
    ];
  }

  function handleLogoutRedirect(url: string = currentUrl()): boolean {
    const pending = readJson(sessionStore, logoutKey, isPendingLogout);
    if (pending === null) return false;
    const parsed = new URL(url);
    const expected = new URL(pending.postLogoutRedirectUri);
    const state = parsed.searchParams.get('state');
    if (parsed.origin !== expected.origin || parsed.pathname !== expected.pathname || state === null) return false;
    sessionStore.removeItem(logoutKey);
    parsed.searchParams.delete('state');
    const cleanUrl = parsed.toString();
    if (cleanUrl !== url) replaceUrl(cleanUrl, url);
    // RP-Initiated Logout 1.0 §3: the state is the one this tab sent, or this is not our logout coming back.
    if (!constantTimeEqual(state, pending.state)) {
      throw new KeycardError({
        error: SdkErrorCodes.stateMismatch,
        errorDescription: 'the state returned after logout does not match the one sent',
      });
    }
    return true;
  }

  async function userinfo(): Promise<Record<string, unknown>> {
    const endpoint = (await discoverOpenId())?.userinfo_endpoint;
    if (typeof endpoint !== 'string') {
      throw new KeycardError({ error: SdkErrorCodes.invalidRequest, errorDescription: 'the server lists no userinfo_endpoint' });
    }
    const accessToken = (await freshTokens()).accessToken;
    const response = await send(fetchFn, endpoint, {
      method: 'GET',
      credentials: 'omit',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (!response.ok) throw await errorFromResponse(response);
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: 'userinfo did not answer JSON', cause });
    }
    if (typeof body !== 'object' || body === null || typeof (body as Record<string, unknown>)['sub'] !== 'string') {
      throw new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: 'userinfo answered no sub' });
    }
    const claims = body as Record<string, unknown>;
    const idSub = getIdTokenClaims()?.sub;
    // OpenID Connect Core §5.3.4: answers about another user must not be used.
    if (idSub !== undefined && claims['sub'] !== idSub) {
      throw new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: 'userinfo names another sub than the ID token' });
    }
    return claims;
  }

  function getIdTokenClaims(): IdTokenClaims | null {
    const idToken = readTokens()?.idToken;
    if (idToken === undefined) return null;
    try {
      return decodeIdToken(idToken);
    } catch {
      return null;
    }
  }

  return {
    site,
    clientId,
    redirectUri,
    scope,
    dialect,
    login,
    createLoginUrl,
    handleRedirect,
    handleLogoutRedirect,
    fetch: apiFetch,
    getAccessToken: async () => (await freshTokens()).accessToken,
    refresh: () => refreshFrom(readTokens()?.accessToken ?? null),
    getTokens: readTokens,
    isAuthenticated: () => readTokens() !== null,
    expiresAt: () => readTokens()?.expiresAt ?? null,
    logout,
    getIdTokenClaims,
    userinfo,
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      listeners.clear();
      coordinator.close();
    },
  };
}

function loginRequired(description: string): KeycardError {
  return new KeycardError({ error: SdkErrorCodes.loginRequired, errorDescription: description });
}

/** Compares without an early exit, so timing does not reveal how much of the state matched. */
function constantTimeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    difference |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  }
  return difference === 0;
}

function currentUrl(): string {
  const location = (globalThis as { location?: Location }).location;
  if (!location) {
    throw new KeycardError({
      error: SdkErrorCodes.invalidRequest,
      errorDescription: 'no location: pass the redirect URL to handleRedirect(url)',
    });
  }
  return location.href;
}

function defaultNavigate(url: string): void {
  const location = (globalThis as { location?: Location }).location;
  if (!location) {
    throw new KeycardError({
      error: SdkErrorCodes.invalidRequest,
      errorDescription: 'no location to navigate: pass options.navigate',
    });
  }
  location.assign(url);
}

function defaultReplaceUrl(cleanUrl: string, originalUrl: string): void {
  const { history, location } = globalThis as { history?: History; location?: Location };
  // Only rewrite the address bar when the URL handled is the page's own.
  if (!history || !location || location.href !== originalUrl) return;
  history.replaceState(history.state, '', cleanUrl);
}

function hasOpenIdScope(scope: string): boolean {
  return scope.split(' ').includes('openid');
}

function isPendingLogout(value: unknown): value is PendingLogout {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['state'] === 'string' && typeof v['postLogoutRedirectUri'] === 'string';
}

function isPendingLogin(value: unknown): value is PendingLogin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['state'] === 'string' &&
    typeof v['scope'] === 'string' &&
    (v['codeVerifier'] === null || typeof v['codeVerifier'] === 'string')
  );
}

function isStoredTokens(value: unknown): value is KeycardTokens {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['accessToken'] === 'string' &&
    typeof v['tokenType'] === 'string' &&
    typeof v['scope'] === 'string' &&
    typeof v['receivedAt'] === 'number' &&
    (v['idToken'] === undefined || typeof v['idToken'] === 'string') &&
    (v['refreshToken'] === null || typeof v['refreshToken'] === 'string') &&
    (v['expiresAt'] === null || typeof v['expiresAt'] === 'number')
  );
}
