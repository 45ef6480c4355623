// The iOFFICE header dialect that Keycard speaks: every parameter of the token and revocation
// endpoints travels in an `x-*` header and the requests have no body.
import { KeycardError, SdkErrorCodes, errorFromResponse } from './errors.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Tokens as the SDK stores and returns them. Times are epoch milliseconds. */
export interface KeycardTokens {
  readonly tokenType: string;
  readonly accessToken: string;
  /** `null` only if the server issued none; the SDK then cannot refresh. */
  readonly refreshToken: string | null;
  /** When the access token stops working, or `null` if the server did not say. */
  readonly expiresAt: number | null;
  /** When the SDK received the tokens. */
  readonly receivedAt: number;
  /** The scope the tokens were requested with; refreshes repeat it (`x-scope`). */
  readonly scope: string;
}

export interface LoginUrlParameters {
  site: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  /** RFC 7636 S256 challenge; adds `code_challenge` and `code_challenge_method=S256`. */
  codeChallenge?: string | undefined;
}

export interface AuthorizationServerMetadata {
  readonly code_challenge_methods_supported?: readonly string[];
  readonly [key: string]: unknown;
}

export type RedirectResult =
  | { readonly kind: 'code'; readonly code: string; readonly state: string | null; readonly appCode: string | null }
  | {
      readonly kind: 'error';
      readonly error: string;
      readonly errorDescription: string | null;
      readonly state: string | null;
    };

/** Parameters the authorization response adds to the redirect URI (RFC 6749 §4.1.2, §4.1.2.1, RFC 9207). */
const redirectParameters = ['code', 'state', 'appCode', 'error', 'error_description', 'error_uri', 'iss'];

export function normalizeSite(site: string): string {
  let parsed: URL;
  try {
    parsed = new URL(site);
  } catch (cause) {
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
export function buildLoginUrl(parameters: LoginUrlParameters): string {
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
export function parseRedirectUrl(url: string): RedirectResult | null {
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
export function stripRedirectParameters(url: string): string {
  const parsed = new URL(url);
  const hash = new URLSearchParams(parsed.hash.replace(/^#/, ''));
  if (redirectParameters.some((name) => hash.has(name))) {
    for (const name of redirectParameters) hash.delete(name);
    parsed.hash = hash.toString();
  }
  const query = parsed.searchParams;
  if (redirectParameters.some((name) => query.has(name))) {
    for (const name of redirectParameters) query.delete(name);
    parsed.search = query.toString();
  }
  return parsed.toString();
}

/** RFC 8414 §3. Any failure means "no metadata": the caller then goes on without PKCE. */
export async function fetchMetadata(fetchFn: FetchLike, site: string): Promise<AuthorizationServerMetadata | null> {
  try {
    const response = await fetchFn(`${site}/.well-known/oauth-authorization-server`, {
      method: 'GET',
      credentials: 'omit',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) return null;
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? (body as AuthorizationServerMetadata) : null;
  } catch {
    return null;
  }
}

export function supportsS256(metadata: AuthorizationServerMetadata | null): boolean {
  const methods = metadata?.code_challenge_methods_supported;
  return Array.isArray(methods) && methods.includes('S256');
}

export interface TokenRequestContext {
  fetch: FetchLike;
  site: string;
  clientId: string;
  redirectUri: string;
  now: () => number;
}

export function exchangeCode(
  context: TokenRequestContext,
  code: string,
  scope: string,
  codeVerifier: string | null,
): Promise<KeycardTokens> {
  const headers: Record<string, string> = {
    'x-grant-type': 'authorization_code',
    'x-redirect-uri': context.redirectUri,
    'x-client-id': context.clientId,
    'x-scope': scope,
    'x-auth-code': code,
  };
  if (codeVerifier !== null) headers['x-code-verifier'] = codeVerifier;
  return requestTokens(context, headers, scope, null);
}

export function refreshTokens(context: TokenRequestContext, refreshToken: string, scope: string): Promise<KeycardTokens> {
  return requestTokens(
    context,
    {
      'x-grant-type': 'refresh_token',
      'x-redirect-uri': context.redirectUri,
      'x-client-id': context.clientId,
      'x-scope': scope,
      'x-refresh-token': refreshToken,
    },
    scope,
    refreshToken,
  );
}

/** The revocation endpoint answers 200 even for unknown tokens, so only transport failures throw. */
export async function revokeToken(context: TokenRequestContext, token: string): Promise<void> {
  const response = await send(context.fetch, `${context.site}/external/api/oauth2/revoke`, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'x-token': token },
  });
  if (!response.ok) throw await errorFromResponse(response);
}

export async function send(fetchFn: FetchLike, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (cause) {
    throw new KeycardError({
      error: SdkErrorCodes.networkError,
      errorDescription: `${init.method ?? 'GET'} ${url} failed before an HTTP answer: ${describe(cause)}`,
      cause,
    });
  }
}

async function requestTokens(
  context: TokenRequestContext,
  headers: Record<string, string>,
  scope: string,
  previousRefreshToken: string | null,
): Promise<KeycardTokens> {
  const response = await send(context.fetch, `${context.site}/external/api/oauth2/token`, {
    method: 'POST',
    credentials: 'omit',
    headers,
  });
  if (!response.ok) throw await errorFromResponse(response);
  const receivedAt = context.now();
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw invalidResponse('the token endpoint did not answer JSON', response.status, cause);
  }
  return parseTokenResponse(body, receivedAt, scope, previousRefreshToken, response.status);
}

function parseTokenResponse(
  body: unknown,
  receivedAt: number,
  scope: string,
  previousRefreshToken: string | null,
  status: number,
): KeycardTokens {
  if (typeof body !== 'object' || body === null) {
    throw invalidResponse('the token endpoint answered something other than a JSON object', status);
  }
  const fields = body as Record<string, unknown>;
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

function invalidResponse(description: string, status: number, cause?: unknown): KeycardError {
  return new KeycardError({ error: SdkErrorCodes.invalidResponse, errorDescription: description, status, cause });
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
