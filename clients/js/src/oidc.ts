// OpenID Connect for a browser client of the authorization code flow: the ID token's claims, checked as OpenID
// Connect Core 1.0 §3.1.3.7 asks of a client that received the token directly from the token endpoint.
import { KeycardError, SdkErrorCodes } from './errors.js';

/** The claims of an ID token (OpenID Connect Core §2) and whatever else the provider put in it. */
export interface IdTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly auth_time?: number;
  readonly nonce?: string;
  readonly azp?: string;
  readonly amr?: readonly string[];
  readonly [claim: string]: unknown;
}

export interface IdTokenExpectations {
  /** The provider's issuer identifier, exactly (§3.1.3.7 step 2). */
  issuer: string;
  clientId: string;
  /** The nonce sent in the authentication request; `null` when none was (a refresh). */
  nonce: string | null;
  /** Epoch milliseconds. */
  now: number;
  /** For a refreshed ID token, the claims of the one it replaces (§12.2). */
  previous?: IdTokenClaims | null;
}

/** Clocks of browsers drift; an ID token is accepted this long past `exp` (or before `iat`). */
export const clockToleranceSeconds = 60;

/**
 * Decodes the payload of a compact JWS without checking anything. Use {@link validateIdToken} for a token the app
 * will act on.
 */
export function decodeIdToken(idToken: string): IdTokenClaims {
  const parts = idToken.split('.');
  if (parts.length !== 3) throw invalidIdToken('it is not a compact JWS (three dot-separated parts)');
  const header = decodeSegment(parts[0] ?? '', 'header');
  const payload = decodeSegment(parts[1] ?? '', 'payload');
  // §3.1.3.7 step 7: the alg must be what the client registered (RS256 by default); an unsigned token never is.
  if (typeof header['alg'] !== 'string' || header['alg'].toLowerCase() === 'none') {
    throw invalidIdToken('the ID token is not signed (alg "none" or missing)');
  }
  return payload as unknown as IdTokenClaims;
}

/**
 * OpenID Connect Core §3.1.3.7 for the authorization code flow in a browser:
 * - the signature is not verified: the token came straight from the token endpoint over TLS, which step 6 allows
 *   in place of it (and a browser client holds no key the provider trusts more than that connection);
 * - `iss` equals the issuer (step 2), `aud` contains the client id (step 3), several audiences need `azp` (step 4)
 *   and `azp`, when present, is the client id (step 5);
 * - `exp` is in the future (step 9), `iat` is present and not in the future (step 10);
 * - `nonce` equals the one sent (step 11);
 * - a refreshed token keeps `iss`, `sub`, `aud` and `azp`, and a `nonce` only if unchanged (§12.2).
 * Throws `KeycardError` with `error: 'invalid_id_token'`.
 */
export function validateIdToken(idToken: string, expected: IdTokenExpectations): IdTokenClaims {
  const claims = decodeIdToken(idToken);
  if (claims.iss !== expected.issuer) {
    throw invalidIdToken(`iss is "${String(claims.iss)}", expected "${expected.issuer}"`);
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidIdToken('sub is missing');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(expected.clientId)) {
    throw invalidIdToken(`aud does not contain the client id "${expected.clientId}"`);
  }
  if (audiences.length > 1 && claims.azp === undefined) throw invalidIdToken('several audiences and no azp');
  if (claims.azp !== undefined && claims.azp !== expected.clientId) {
    throw invalidIdToken(`azp is "${String(claims.azp)}", not the client id`);
  }
  const nowSeconds = expected.now / 1000;
  if (typeof claims.exp !== 'number' || claims.exp + clockToleranceSeconds <= nowSeconds) {
    throw invalidIdToken('the ID token has expired (exp)');
  }
  if (typeof claims.iat !== 'number' || claims.iat - clockToleranceSeconds > nowSeconds) {
    throw invalidIdToken('iat is missing or in the future');
  }
  if (expected.nonce !== null && claims.nonce !== expected.nonce) {
    // Step 11: a token minted for another authentication request (a replay) carries another nonce or none.
    throw invalidIdToken('nonce does not match the one sent with the sign-in');
  }
  const previous = expected.previous;
  if (previous) {
    if (claims.sub !== previous.sub) throw invalidIdToken('a refreshed ID token names another sub');
    if (JSON.stringify(audiences) !== JSON.stringify(typeof previous.aud === 'string' ? [previous.aud] : previous.aud)) {
      throw invalidIdToken('a refreshed ID token names another aud');
    }
    if (claims.azp !== previous.azp) throw invalidIdToken('a refreshed ID token changed azp');
    if (claims.nonce !== undefined && claims.nonce !== previous.nonce) {
      throw invalidIdToken('a refreshed ID token carries another nonce');
    }
  }
  return claims;
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw invalidIdToken(`its ${what} is not base64url-encoded JSON`);
}

function invalidIdToken(description: string): KeycardError {
  return new KeycardError({ error: SdkErrorCodes.invalidIdToken, errorDescription: description });
}
