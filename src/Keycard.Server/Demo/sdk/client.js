// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
import { TabCoordinator, defaultChannel, defaultLocks, } from './coordination.js';
import { KeycardError, SdkErrorCodes, errorFromResponse } from './errors.js';
import { buildLoginUrl, exchangeCode, fetchMetadata, normalizeSite, parseRedirectUrl, refreshTokens, revokeToken, send, stripRedirectParameters, supportsS256, } from './protocol.js';
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
    const tokensKey = `keycard:${clientId}:tokens`;
    const pendingKey = `keycard:${clientId}:login`;
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
    async function createLoginUrl(loginOptions = {}) {
        const random = requireCrypto();
        const loginScope = loginOptions.scope ?? scope;
        // crypto.subtle exists only in secure contexts (https, localhost); 'auto' then goes without PKCE.
        const usePkce = pkce === 'auto' ? random.subtle !== undefined && supportsS256(await discover()) : pkce;
        const state = randomToken(random);
        const codeVerifier = usePkce ? createCodeVerifier(random) : null;
        const codeChallenge = codeVerifier === null ? undefined : await createCodeChallenge(random, codeVerifier);
        const pending = { state, codeVerifier, scope: loginScope };
        sessionStore.setItem(pendingKey, JSON.stringify(pending));
        return buildLoginUrl({ site, clientId, redirectUri, scope: loginScope, state, codeChallenge });
    }
    async function login(loginOptions = {}) {
        const url = await createLoginUrl(loginOptions);
        (loginOptions.navigate ?? navigate)(url);
    }
    function handleRedirect(url = currentUrl()) {
        const result = parseRedirectUrl(url);
        if (result === null)
            return Promise.resolve(null);
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
            const tokens = await exchangeCode(context, result.code, pending.scope, pending.codeVerifier);
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
                const fresh = await refreshTokens(context, latest.refreshToken, latest.scope);
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
    async function logout() {
        const tokens = await coordinator.exclusive(async () => {
            const current = readTokens();
            clearTokens();
            return current;
        });
        if (tokens === null)
            return;
        // Best effort: the user is signed out locally whatever the server answers.
        const revocations = [tokens.refreshToken, tokens.accessToken]
            .filter((token) => token !== null)
            .map((token) => revokeToken(context, token));
        await Promise.allSettled(revocations);
    }
    return {
        site,
        clientId,
        redirectUri,
        scope,
        login,
        createLoginUrl,
        handleRedirect,
        fetch: apiFetch,
        getAccessToken: async () => (await freshTokens()).accessToken,
        refresh: () => refreshFrom(readTokens()?.accessToken ?? null),
        getTokens: readTokens,
        isAuthenticated: () => readTokens() !== null,
        expiresAt: () => readTokens()?.expiresAt ?? null,
        logout,
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
        (v['refreshToken'] === null || typeof v['refreshToken'] === 'string') &&
        (v['expiresAt'] === null || typeof v['expiresAt'] === 'number'));
}
