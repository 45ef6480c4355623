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
            return { kind: 'code', code, state: params.get('state'), appCode: params.get('appCode') };
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
/** RFC 8414 §3. Any failure means "no metadata": the caller then goes on without PKCE. */
export async function fetchMetadata(fetchFn, site) {
    try {
        const response = await fetchFn(`${site}/.well-known/oauth-authorization-server`, {
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
    return parseTokenResponse(body, receivedAt, scope, previousRefreshToken, response.status);
}
function parseTokenResponse(body, receivedAt, scope, previousRefreshToken, status) {
    if (typeof body !== 'object' || body === null) {
        throw invalidResponse('the token endpoint answered something other than a JSON object', status);
    }
    const fields = body;
    const accessToken = fields['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') {
        throw invalidResponse('the token response has no access_token', status);
    }
    const refreshToken = fields['refresh_token'];
    // The iOFFICE protocol gives expires_in in MILLISECONDS, unlike RFC 6749 §5.1 (seconds).
    const expiresInMs = Number(fields['expires_in']);
    const hasExpiry = fields['expires_in'] !== undefined && fields['expires_in'] !== null && Number.isFinite(expiresInMs);
    return {
        tokenType: typeof fields['token_type'] === 'string' ? fields['token_type'] : 'Bearer',
        accessToken,
        refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : previousRefreshToken,
        expiresAt: hasExpiry ? receivedAt + expiresInMs : null,
        receivedAt,
        scope,
    };
}
function invalidResponse(description, status, cause) {
    return new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: description, status, cause });
}
function describe(cause) {
    return cause instanceof Error ? cause.message : String(cause);
}
