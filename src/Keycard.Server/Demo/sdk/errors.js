// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
/**
 * Error codes the SDK produces itself. Codes sent by the server (`invalid_grant`,
 * `invalid_client`, ...) are passed through unchanged.
 */
export const SdkErrorCodes = {
    /** The redirect's `state` is missing or does not match the one this tab sent (RFC 6749 §10.12). */
    stateMismatch: 'state_mismatch',
    /** No usable tokens: the user has to sign in (again). */
    loginRequired: 'login_required',
    /** The API answered 401: the access token is not valid. Tokens were discarded. */
    invalidToken: 'invalid_token',
    /** The server's answer could not be understood. */
    invalidResponse: 'invalid_response',
    /** The request never got an HTTP answer (offline, DNS, CORS refused, ...). */
    networkError: 'network_error',
    /** A caller passed something the SDK cannot use. */
    invalidRequest: 'invalid_request',
    /** The ID token failed OpenID Connect Core §3.1.3.7's checks (issuer, audience, expiry, nonce). */
    invalidIdToken: 'invalid_id_token',
};
/**
 * Every failure the SDK reports. `error` is a stable code (see {@link SdkErrorCodes} and
 * RFC 6749 §5.2), `errorDescription` is meant for developers, `status` is the HTTP status when
 * the failure came from an HTTP answer.
 */
export class KeycardError extends Error {
    error;
    errorDescription;
    status;
    constructor(init) {
        super(init.errorDescription ? `${init.error}: ${init.errorDescription}` : init.error, init.cause === undefined ? undefined : { cause: init.cause });
        this.name = 'KeycardError';
        this.error = init.error;
        this.errorDescription = init.errorDescription;
        this.status = init.status;
    }
}
export function isKeycardError(value) {
    return value instanceof KeycardError;
}
/**
 * Builds a KeycardError from a non-2xx answer. Keycard's iOFFICE endpoints answer
 * `{"status","error","errorDescription"}`; standard OAuth endpoints use `error_description`
 * (RFC 6749 §5.2). Both are accepted; a body that is not JSON still yields a usable error.
 */
export async function errorFromResponse(response, fallbackError = 'server_error') {
    let body;
    try {
        body = await response.json();
    }
    catch {
        body = undefined;
    }
    const fields = typeof body === 'object' && body !== null ? body : {};
    const error = typeof fields['error'] === 'string' && fields['error'] !== '' ? fields['error'] : fallbackError;
    const description = typeof fields['errorDescription'] === 'string'
        ? fields['errorDescription']
        : typeof fields['error_description'] === 'string'
            ? fields['error_description']
            : undefined;
    return new KeycardError({ error, errorDescription: description, status: response.status });
}
