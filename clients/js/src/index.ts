export {
  createKeycardClient,
  type KeycardClient,
  type KeycardClientOptions,
  type LoginOptions,
  type LogoutOptions,
  type KeycardChangeEvent,
  type KeycardChangeListener,
  type KeycardChangeReason,
} from './client.js';
export { KeycardError, SdkErrorCodes, isKeycardError, type KeycardErrorInit } from './errors.js';
export {
  buildAuthorizeUrl,
  buildEndSessionUrl,
  buildLoginUrl,
  parseRedirectUrl,
  stripRedirectParameters,
  type AuthorizationServerMetadata,
  type AuthorizeUrlParameters,
  type EndSessionUrlParameters,
  type KeycardDialect,
  type FetchLike,
  type KeycardTokens,
  type LoginUrlParameters,
  type RedirectResult,
} from './protocol.js';
export { decodeIdToken, validateIdToken, type IdTokenClaims, type IdTokenExpectations } from './oidc.js';
export { createCodeChallenge, createCodeVerifier, type CryptoLike } from './random.js';
export { createMemoryStorage, type KeycardStorage } from './storage.js';
export type { BroadcastChannelLike, LockManagerLike } from './coordination.js';
