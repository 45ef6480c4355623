// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
import { TabCoordinator, defaultChannel, defaultLocks, } from './coordination.js';
import { KeycardError, SdkErrorCodes, errorFromResponse } from './errors.js';
import { decodeIdToken, validateIdToken } from './oidc.js';
import { buildAuthorizeUrl, buildEndSessionUrl, buildLoginUrl, exchangeCode, exchangeCodeStandard, fetchMetadata, normalizeSite, parseRedirectUrl, refreshTokens, refreshTokensStandard, revokeToken, revokeTokenStandard, send, standardEndpoints, stripRedirectParameters, supportsS256, } from './protocol.js';
import { createCodeChallenge, createCodeVerifier, randomToken } from './random.js';
import { browserStorage, createMemoryStorage, readJson } from './storage.js';
const defaultRefreshMarginMs = 30_000;
export function createKeycardClient(options) {
    const site = normalizeSite(options.site);
    const { clientId, redirectUri, scope } = options;
    for (const [name, value] of Object.entries({ clientId, redirectUri, scope })) {
        if (typeof value !== 'string' || value === '') {
            throw new KeycardError({ error: SdkErrorCodes.invalidRequest, errorDescription: `${name} is required` });
        }
    }
    const inMemory = options.storage === 'memory';
    const storage = options.storage === 'memory' ? createMemoryStorage() : (options.storage ?? browserStorage('localStorage'));
    const sessionStore = options.sessionStorage ?? browserStorage('sessionStorage');
    const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const now = options.now ?? Date.now;
    const refreshMarginMs = options.refreshMarginMs ?? defaultRefreshMarginMs;
    const pkce = options.pkce ?? 'auto';
    const navigate = options.navigate ?? defaultNavigate;
    const replaceUrl = options.replaceUrl ?? defaultReplaceUrl;
    const crypto = options.crypto ?? globalThis.crypto;
    const dialect = options.dialect ?? (hasOpenIdScope(scope) ? 'standard' : 'ioffice');
    if (dialect !== 'ioffice' && dialect !== 'standard') {
        throw new KeycardError({ error: SdkErrorCodes.invalidRequest, errorDescription: `unknown dialect "${String(dialect)}"` });
    }
    const tokensKey = `keycard:${clientId}:tokens`;
    const pendingKey = `keycard:${clientId}:login`;
    const logoutKey = `keycard:${clientId}:logout`;
    const apiBase = `${site}/external/api/rest/v2`;
    const context = { fetch: fetchFn, site, clientId, redirectUri, now };
    const coordinator = new TabCoordinator(`keycard:${site}:${clientId}:tokens`, 
    // In memory, tabs share no tokens, so there is nothing to coordinate between them.
    options.locks === undefined ? (inMemory ? null : defaultLocks()) : options.locks, options.broadcastChannel === undefined
        ? inMemory
            ? null
            : defaultChannel(`keycard:${clientId}`)
        : options.broadcastChannel, options.crossTabWaitMs ?? 10_000);
    const listeners = new Set();
    const redirectsInFlight = new Map();
    let refreshInFlight = null;
    let metadata = null;
    let openIdMetadata = null;
    coordinator.onMessage((message) => {
        if (message.type === 'changed')
            emit({ reason: message.reason, tokens: readTokens(), fromOtherTab: true });
    });
    function emit(event) {
        for (const listener of [...listeners]) {
            try {
                listener(event);
            }
            catch (error) {
                console.error('Keycard onChange listener failed', error);
            }
        }
    }
    function readTokens() {
        return readJson(storage, tokensKey, isStoredTokens);
    }
    function writeTokens(tokens, reason) {
        storage.setItem(tokensKey, JSON.stringify(tokens));
        emit({ reason, tokens, fromOtherTab: false });
        coordinator.post({ keycard: 1, type: 'changed', reason });
    }
    function clearTokens() {
        storage.removeItem(tokensKey);
        emit({ reason: 'signed-out', tokens: null, fromOtherTab: false });
        coordinator.post({ keycard: 1, type: 'changed', reason: 'signed-out' });
    }
    function needsRefresh(tokens) {
        return tokens.expiresAt !== null && tokens.expiresAt - now() < refreshMarginMs;
    }
    function isExpired(tokens) {
        return tokens.expiresAt !== null && tokens.expiresAt <= now();
    }
    function requireCrypto() {
        if (!crypto) {
            throw new KeycardError({
                error: SdkErrorCodes.invalidRequest,
                errorDescription: 'Web Crypto is not available; pass options.crypto',
            });
        }
        return crypto;
    }
    async function discover() {
        // Only a successful answer is cached: a server that was down may be up at the next sign-in.
        metadata ??= await fetchMetadata(fetchFn, site);
        return metadata;
    }
    /** OpenID Connect Discovery 1.0 §4; the issuer must be the site the document was fetched from (§4.3). */
    async function discoverOpenId() {
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
    async function endpoints() {
        return standardEndpoints(site, (await discoverOpenId()) ?? (await discover()));
    }
    async function endSessionEndpoint() {
        if (options.endSessionEndpoint !== undefined)
            return options.endSessionEndpoint;
        return (await discoverOpenId())?.end_session_endpoint ?? null;
    }
    async function createLoginUrl(loginOptions = {}) {
        const random = requireCrypto();
        const loginScope = loginOptions.scope ?? scope;
        const standard = dialect === 'standard' ? await endpoints() : null;
        // crypto.subtle exists only in secure contexts (https, localhost); 'auto' then goes without PKCE.
        const usePkce = pkce === 'auto'
            ? random.subtle !== undefined && supportsS256(standard !== null ? ((await discoverOpenId()) ?? (await discover())) : await discover())
            : pkce;
        const state = randomToken(random);
        const codeVerifier = usePkce ? createCodeVerifier(random) : null;
        const codeChallenge = codeVerifier === null ? undefined : await createCodeChallenge(random, codeVerifier);
        // OpenID Connect Core §3.1.2.1: a nonce ties the ID token to this request (replay protection).
        const nonce = standard !== null && hasOpenIdScope(loginScope) ? randomToken(random) : null;
        const pending = { state, codeVerifier, scope: loginScope, nonce };
        sessionStore.setItem(pendingKey, JSON.stringify(pending));
        if (standard === null)
            return buildLoginUrl({ site, clientId, redirectUri, scope: loginScope, state, codeChallenge });
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
    async function login(loginOptions = {}) {
        const url = await createLoginUrl(loginOptions);
        (loginOptions.navigate ?? navigate)(url);
    }
    function handleRedirect(url = currentUrl()) {
        const result = parseRedirectUrl(url);
        if (result === null) {
            try {
                handleLogoutRedirect(url);
            }
            catch (error) {
                return Promise.reject(error);
            }
            return Promise.resolve(null);
        }
        // Frameworks may run the redirect handler twice (React strict mode); the code is single use.
        const existing = redirectsInFlight.get(url);
        if (existing)
            return existing;
        const pending = readJson(sessionStore, pendingKey, isPendingLogin);
        sessionStore.removeItem(pendingKey);
        const cleanUrl = stripRedirectParameters(url);
        if (cleanUrl !== url)
            replaceUrl(cleanUrl, url);
        const completion = (async () => {
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
                    errorDescription: pending === null
                        ? 'no sign-in was started in this tab (sessionStorage holds no state); call login() again'
                        : 'the state returned by the server does not match the one sent; call login() again',
                });
            }
            const tokens = standard === null
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
        const forget = () => {
            redirectsInFlight.delete(url);
        };
        completion.then(forget, forget);
        return completion;
    }
    function refreshFrom(staleAccessToken) {
        if (refreshInFlight)
            return refreshInFlight;
        const attempt = coordinator.exclusive(async () => {
            const latest = readTokens();
            if (latest === null)
                throw loginRequired('the user is signed out');
            // While this tab waited for the lock, another tab may already have rotated the tokens.
            if (latest.accessToken !== staleAccessToken && !needsRefresh(latest))
                return latest;
            if (latest.refreshToken === null) {
                clearTokens();
                throw loginRequired('no refresh token was issued');
            }
            try {
                const fresh = await refreshWith(latest, latest.refreshToken);
                writeTokens(fresh, 'refreshed');
                return fresh;
            }
            catch (error) {
                const current = readTokens();
                if (current !== null && current.refreshToken !== latest.refreshToken)
                    return current;
                // 400/401 from the token endpoint: the refresh token is revoked, expired or already used.
                if (error instanceof KeycardError && (error.status === 400 || error.status === 401))
                    clearTokens();
                throw error;
            }
        });
        refreshInFlight = attempt;
        const forget = () => {
            if (refreshInFlight === attempt)
                refreshInFlight = null;
        };
        attempt.then(forget, forget);
        return attempt;
    }
    async function refreshWith(latest, refreshToken) {
        if (dialect === 'ioffice')
            return refreshTokens(context, refreshToken, latest.scope);
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
    async function freshTokens() {
        const tokens = readTokens();
        if (tokens === null)
            throw loginRequired('the user is not signed in');
        if (!needsRefresh(tokens))
            return tokens;
        try {
            return await refreshFrom(tokens.accessToken);
        }
        catch (error) {
            // A proactive refresh that failed for a passing reason (offline, 5xx) must not block a token
            // that still works; a rejected refresh token has already been cleared and ends here.
            const current = readTokens();
            if (current !== null && !isExpired(current))
                return current;
            throw error;
        }
    }
    function apiUrl(path) {
        if (/^[a-z][a-z\d+.-]*:|^\/\//i.test(path)) {
            // The access token must never travel to another origin.
            if (path.startsWith(`${apiBase}/`))
                return path;
            throw new KeycardError({
                error: SdkErrorCodes.invalidRequest,
                errorDescription: `fetch() takes a path under ${apiBase}/, got "${path}"`,
            });
        }
        return `${apiBase}/${path.replace(/^\/+/, '')}`;
    }
    function callApi(url, init, accessToken) {
        const headers = new Headers(init.headers);
        headers.set('x-access-token', accessToken);
        return send(fetchFn, url, { ...init, headers, credentials: 'omit' });
    }
    async function apiFetch(path, init = {}) {
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
            if (readTokens()?.accessToken === tokens.accessToken)
                clearTokens();
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
    async function logout(logoutOptions = {}) {
        const tokens = await coordinator.exclusive(async () => {
            const current = readTokens();
            clearTokens();
            return current;
        });
        if (tokens !== null) {
            // Best effort: the user is signed out locally whatever the server answers.
            await Promise.allSettled(revokeBoth(tokens));
        }
        if (logoutOptions.endSession === false)
            return;
        // Without this step the browser keeps Keycard's sign-in session, and on a shared browser the next person to
        // press "Sign in" would be signed in as this user (OpenID Connect RP-Initiated Logout 1.0 §2).
        let endpoint;
        try {
            endpoint = await endSessionEndpoint();
        }
        catch {
            endpoint = null;
        }
        if (endpoint === null)
            return;
        const postLogoutRedirectUri = logoutOptions.postLogoutRedirectUri ?? options.postLogoutRedirectUri;
        let state;
        if (postLogoutRedirectUri !== undefined) {
            state = randomToken(requireCrypto());
            const pending = { state, postLogoutRedirectUri };
            sessionStore.setItem(logoutKey, JSON.stringify(pending));
        }
        (logoutOptions.navigate ?? navigate)(buildEndSessionUrl({
            endSessionEndpoint: endpoint,
            clientId,
            idTokenHint: tokens?.idToken,
            postLogoutRedirectUri,
            state,
        }));
    }
    function revokeBoth(tokens) {
        if (dialect === 'ioffice') {
            return [tokens.refreshToken, tokens.accessToken]
                .filter((token) => token !== null)
                .map((token) => revokeToken(context, token));
        }
        const revoke = async (token, hint) => revokeTokenStandard(context, (await endpoints()).revocationEndpoint, token, hint);
        return [
            ...(tokens.refreshToken === null ? [] : [revoke(tokens.refreshToken, 'refresh_token')]),
            revoke(tokens.accessToken, 'access_token'),
        ];
    }
    function handleLogoutRedirect(url = currentUrl()) {
        const pending = readJson(sessionStore, logoutKey, isPendingLogout);
        if (pending === null)
            return false;
        const parsed = new URL(url);
        const expected = new URL(pending.postLogoutRedirectUri);
        const state = parsed.searchParams.get('state');
        if (parsed.origin !== expected.origin || parsed.pathname !== expected.pathname || state === null)
            return false;
        sessionStore.removeItem(logoutKey);
        parsed.searchParams.delete('state');
        const cleanUrl = parsed.toString();
        if (cleanUrl !== url)
            replaceUrl(cleanUrl, url);
        // RP-Initiated Logout 1.0 §3: the state is the one this tab sent, or this is not our logout coming back.
        if (!constantTimeEqual(state, pending.state)) {
            throw new KeycardError({
                error: SdkErrorCodes.stateMismatch,
                errorDescription: 'the state returned after logout does not match the one sent',
            });
        }
        return true;
    }
    async function userinfo() {
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
        if (!response.ok)
            throw await errorFromResponse(response);
        let body;
        try {
            body = await response.json();
        }
        catch (cause) {
            throw new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: 'userinfo did not answer JSON', cause });
        }
        if (typeof body !== 'object' || body === null || typeof body['sub'] !== 'string') {
            throw new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: 'userinfo answered no sub' });
        }
        const claims = body;
        const idSub = getIdTokenClaims()?.sub;
        // OpenID Connect Core §5.3.4: answers about another user must not be used.
        if (idSub !== undefined && claims['sub'] !== idSub) {
            throw new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: 'userinfo names another sub than the ID token' });
        }
        return claims;
    }
    function getIdTokenClaims() {
        const idToken = readTokens()?.idToken;
        if (idToken === undefined)
            return null;
        try {
            return decodeIdToken(idToken);
        }
        catch {
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
function loginRequired(description) {
    return new KeycardError({ error: SdkErrorCodes.loginRequired, errorDescription: description });
}
/** Compares without an early exit, so timing does not reveal how much of the state matched. */
function constantTimeEqual(a, b) {
    let difference = a.length ^ b.length;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        difference |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
    }
    return difference === 0;
}
function currentUrl() {
    const location = globalThis.location;
    if (!location) {
        throw new KeycardError({
            error: SdkErrorCodes.invalidRequest,
            errorDescription: 'no location: pass the redirect URL to handleRedirect(url)',
        });
    }
    return location.href;
}
function defaultNavigate(url) {
    const location = globalThis.location;
    if (!location) {
        throw new KeycardError({
            error: SdkErrorCodes.invalidRequest,
            errorDescription: 'no location to navigate: pass options.navigate',
        });
    }
    location.assign(url);
}
function defaultReplaceUrl(cleanUrl, originalUrl) {
    const { history, location } = globalThis;
    // Only rewrite the address bar when the URL handled is the page's own.
    if (!history || !location || location.href !== originalUrl)
        return;
    history.replaceState(history.state, '', cleanUrl);
}
function hasOpenIdScope(scope) {
    return scope.split(' ').includes('openid');
}
function isPendingLogout(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const v = value;
    return typeof v['state'] === 'string' && typeof v['postLogoutRedirectUri'] === 'string';
}
function isPendingLogin(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const v = value;
    return (typeof v['state'] === 'string' &&
        typeof v['scope'] === 'string' &&
        (v['codeVerifier'] === null || typeof v['codeVerifier'] === 'string'));
}
function isStoredTokens(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const v = value;
    return (typeof v['accessToken'] === 'string' &&
        typeof v['tokenType'] === 'string' &&
        typeof v['scope'] === 'string' &&
        typeof v['receivedAt'] === 'number' &&
        (v['idToken'] === undefined || typeof v['idToken'] === 'string') &&
        (v['refreshToken'] === null || typeof v['refreshToken'] === 'string') &&
        (v['expiresAt'] === null || typeof v['expiresAt'] === 'number'));
}
