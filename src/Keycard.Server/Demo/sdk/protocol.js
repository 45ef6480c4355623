// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
// The iOFFICE header dialect that Keycard speaks: every parameter of the token and revocation
// endpoints travels in an `x-*` header and the requests have no body.
import { KeycardError, SdkErrorCodes, errorFromResponse } from './errors.js';
/** Parameters the authorization response adds to the redirect URI (RFC 6749 §4.1.2, §4.1.2.1, RFC 9207). */
const redirectParameters = ['code', 'state', 'appCode', 'error', 'error_description', 'error_uri', 'iss'];
export function normalizeSite(site) {
    let parsed;
    try {
        parsed = new URL(site);
    }
    catch (cause) {
        throw new KeycardError({
            error: SdkErrorCodes.invalidRequest,
            errorDescription: `site must be an absolute URL such as "https://auth.example.com", got "${site}"`,
            cause,
        });
    }
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}
/**
 * The iOFFICE login page needs all five parameters (response_type, client_id, redirect_uri,
 * scope, state); PKCE parameters are added only when a challenge is given.
 */
export function buildLoginUrl(parameters) {
    const query = new URLSearchParams({
        response_type: 'code',
        client_id: parameters.clientId,
        redirect_uri: parameters.redirectUri,
        scope: parameters.scope,
        state: parameters.state,
    });
    if (parameters.codeChallenge !== undefined) {
        query.set('code_challenge', parameters.codeChallenge);
        query.set('code_challenge_method', 'S256');
    }
    return `${normalizeSite(parameters.site)}/login.html?${query.toString()}`;
}
/**
 * Keycard returns the code in the fragment (`#code=…&appCode=…&state=…`, as iOFFICE does);
 * a standard OAuth server uses the query. The fragment wins when both carry a result.
 */
export function parseRedirectUrl(url) {
    const parsed = new URL(url);
    const candidates = [new URLSearchParams(parsed.hash.replace(/^#/, '')), parsed.searchParams];
    for (const params of candidates) {
        const error = params.get('error');
        if (error) {
            return { kind: 'error', error, errorDescription: params.get('error_description'), state: params.get('state') };
        }
        const code = params.get('code');
        if (code) {
            return { kind: 'code', code, state: params.get('state'), appCode: params.get('appCode'), iss: params.get('iss') };
        }
    }
    return null;
}
/** The same URL without the authorization response, so a reload or a shared link does not replay it. */
export function stripRedirectParameters(url) {
    const parsed = new URL(url);
    const hash = new URLSearchParams(parsed.hash.replace(/^#/, ''));
    if (redirectParameters.some((name) => hash.has(name))) {
        for (const name of redirectParameters)
            hash.delete(name);
        parsed.hash = hash.toString();
    }
    const query = parsed.searchParams;
    if (redirectParameters.some((name) => query.has(name))) {
        for (const name of redirectParameters)
            query.delete(name);
        parsed.search = query.toString();
    }
    return parsed.toString();
}
/**
 * RFC 8414 §3 (`oauth-authorization-server`) or OpenID Connect Discovery 1.0 §4 (`openid-configuration`). Any
 * failure means "no metadata": the caller then goes on without PKCE (and the standard dialect with default paths).
 */
export async function fetchMetadata(fetchFn, site, document = 'oauth-authorization-server') {
    try {
        const response = await fetchFn(`${site}/.well-known/${document}`, {
            method: 'GET',
            credentials: 'omit',
            headers: { accept: 'application/json' },
        });
        if (!response.ok)
            return null;
        const body = await response.json();
        return typeof body === 'object' && body !== null ? body : null;
    }
    catch {
        return null;
    }
}
export function supportsS256(metadata) {
    const methods = metadata?.code_challenge_methods_supported;
    return Array.isArray(methods) && methods.includes('S256');
}
export function standardEndpoints(site, metadata) {
    const url = (value) => (typeof value === 'string' && value !== '' ? value : null);
    return {
        issuer: url(metadata?.issuer) ?? site,
        authorizationEndpoint: url(metadata?.authorization_endpoint) ?? `${site}/oauth2/authorize`,
        tokenEndpoint: url(metadata?.token_endpoint) ?? `${site}/oauth2/token`,
        revocationEndpoint: url(metadata?.revocation_endpoint) ?? `${site}/oauth2/revoke`,
        userinfoEndpoint: url(metadata?.userinfo_endpoint),
        endSessionEndpoint: url(metadata?.end_session_endpoint),
        issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
    };
}
/** RFC 6749 §4.1.1 (with RFC 7636 and OpenID Connect's `nonce`): the standard dialect's authorization request. */
export function buildAuthorizeUrl(parameters) {
    const url = new URL(parameters.authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', parameters.clientId);
    url.searchParams.set('redirect_uri', parameters.redirectUri);
    url.searchParams.set('scope', parameters.scope);
    url.searchParams.set('state', parameters.state);
    if (parameters.nonce !== undefined)
        url.searchParams.set('nonce', parameters.nonce);
    if (parameters.codeChallenge !== undefined) {
        url.searchParams.set('code_challenge', parameters.codeChallenge);
        url.searchParams.set('code_challenge_method', 'S256');
    }
    return url.toString();
}
/**
 * OpenID Connect RP-Initiated Logout 1.0 §2: `id_token_hint` (recommended), `client_id`, and
 * `post_logout_redirect_uri` with `state`, which the provider echoes on the way back (§3).
 */
export function buildEndSessionUrl(parameters) {
    const url = new URL(parameters.endSessionEndpoint);
    if (parameters.idTokenHint !== undefined)
        url.searchParams.set('id_token_hint', parameters.idTokenHint);
    url.searchParams.set('client_id', parameters.clientId);
    if (parameters.postLogoutRedirectUri !== undefined) {
        url.searchParams.set('post_logout_redirect_uri', parameters.postLogoutRedirectUri);
        if (parameters.state !== undefined)
            url.searchParams.set('state', parameters.state);
    }
    return url.toString();
}
/** RFC 6749 §4.1.3 in the standard dialect: a form body, the public client named by `client_id`. */
export function exchangeCodeStandard(context, tokenEndpoint, code, scope, codeVerifier) {
    const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: context.redirectUri,
        client_id: context.clientId,
    });
    if (codeVerifier !== null)
        form.set('code_verifier', codeVerifier);
    return requestTokensStandard(context, tokenEndpoint, form, scope, null);
}
/** RFC 6749 §6; the scope is left out, so the server keeps the one granted. */
export function refreshTokensStandard(context, tokenEndpoint, refreshToken, scope) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: context.clientId });
    return requestTokensStandard(context, tokenEndpoint, form, scope, refreshToken);
}
/** RFC 7009 §2.1. */
export async function revokeTokenStandard(context, revocationEndpoint, token, hint) {
    const response = await send(context.fetch, revocationEndpoint, {
        method: 'POST',
        credentials: 'omit',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: hint, client_id: context.clientId }).toString(),
    });
    if (!response.ok)
        throw await errorFromResponse(response);
}
async function requestTokensStandard(context, tokenEndpoint, form, scope, previousRefreshToken) {
    const response = await send(context.fetch, tokenEndpoint, {
        method: 'POST',
        credentials: 'omit',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
    });
    return readTokenResponse(context, response, scope, previousRefreshToken, 1000);
}
export function exchangeCode(context, code, scope, codeVerifier) {
    const headers = {
        'x-grant-type': 'authorization_code',
        'x-redirect-uri': context.redirectUri,
        'x-client-id': context.clientId,
        'x-scope': scope,
        'x-auth-code': code,
    };
    if (codeVerifier !== null)
        headers['x-code-verifier'] = codeVerifier;
    return requestTokens(context, headers, scope, null);
}
export function refreshTokens(context, refreshToken, scope) {
    return requestTokens(context, {
        'x-grant-type': 'refresh_token',
        'x-redirect-uri': context.redirectUri,
        'x-client-id': context.clientId,
        'x-scope': scope,
        'x-refresh-token': refreshToken,
    }, scope, refreshToken);
}
/** The revocation endpoint answers 200 even for unknown tokens, so only transport failures throw. */
export async function revokeToken(context, token) {
    const response = await send(context.fetch, `${context.site}/external/api/oauth2/revoke`, {
        method: 'POST',
        credentials: 'omit',
        headers: { 'x-token': token },
    });
    if (!response.ok)
        throw await errorFromResponse(response);
}
export async function send(fetchFn, url, init) {
    try {
        return await fetchFn(url, init);
    }
    catch (cause) {
        throw new KeycardError({
            error: SdkErrorCodes.networkError,
            errorDescription: `${init.method ?? 'GET'} ${url} failed before an HTTP answer: ${describe(cause)}`,
            cause,
        });
    }
}
async function requestTokens(context, headers, scope, previousRefreshToken) {
    const response = await send(context.fetch, `${context.site}/external/api/oauth2/token`, {
        method: 'POST',
        credentials: 'omit',
        headers,
    });
    // The iOFFICE protocol gives expires_in in MILLISECONDS, unlike RFC 6749 §5.1 (seconds).
    return readTokenResponse(context, response, scope, previousRefreshToken, 1);
}
async function readTokenResponse(context, response, scope, previousRefreshToken, expiresInUnitMs) {
    if (!response.ok)
        throw await errorFromResponse(response);
    const receivedAt = context.now();
    let body;
    try {
        body = await response.json();
    }
    catch (cause) {
        throw invalidResponse('the token endpoint did not answer JSON', response.status, cause);
    }
    return parseTokenResponse(body, receivedAt, scope, previousRefreshToken, response.status, expiresInUnitMs);
}
function parseTokenResponse(body, receivedAt, scope, previousRefreshToken, status, expiresInUnitMs) {
    if (typeof body !== 'object' || body === null) {
        throw invalidResponse('the token endpoint answered something other than a JSON object', status);
    }
    const fields = body;
    const accessToken = fields['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') {
        throw invalidResponse('the token response has no access_token', status);
    }
    const refreshToken = fields['refresh_token'];
    const expiresInMs = Number(fields['expires_in']) * expiresInUnitMs;
    const hasExpiry = fields['expires_in'] !== undefined && fields['expires_in'] !== null && Number.isFinite(expiresInMs);
    const idToken = fields['id_token'];
    const tokens = {
        tokenType: typeof fields['token_type'] === 'string' ? fields['token_type'] : 'Bearer',
        accessToken,
        refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : previousRefreshToken,
        expiresAt: hasExpiry ? receivedAt + expiresInMs : null,
        receivedAt,
        scope,
    };
    return typeof idToken === 'string' && idToken !== '' ? { ...tokens, idToken } : tokens;
}
function invalidResponse(description, status, cause) {
    return new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: description, status, cause });
}
function describe(cause) {
    return cause instanceof Error ? cause.message : String(cause);
}
