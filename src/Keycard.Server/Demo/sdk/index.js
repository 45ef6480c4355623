// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.
export { createKeycardClient, } from './client.js';
export { KeycardError, SdkErrorCodes, isKeycardError } from './errors.js';
export { buildAuthorizeUrl, buildEndSessionUrl, buildLoginUrl, parseRedirectUrl, stripRedirectParameters, } from './protocol.js';
export { decodeIdToken, validateIdToken } from './oidc.js';
export { createCodeChallenge, createCodeVerifier } from './random.js';
export { createMemoryStorage } from './storage.js';
