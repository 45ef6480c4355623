// Test doubles: a fake Keycard server behind a fake fetch, a fake clock, in-memory storage,
// a Web Locks stand-in and a BroadcastChannel stand-in. No browser, no network.
import {
  type BroadcastChannelLike,
  type KeycardClient,
  type KeycardClientOptions,
  type LockManagerLike,
  createKeycardClient,
  createMemoryStorage,
} from '../dist/index.js';

export const site = 'http://127.0.0.1:5000';
export const clientId = 'demo-app';
export const redirectUri = 'http://127.0.0.1:3000/callback.html';
export const scope = 'email';

export interface RecordedCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly credentials: RequestCredentials | undefined;
}

export class FakeClock {
  constructor(public time = 1_700_000_000_000) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * Behaves like Keycard: rotates refresh tokens (the old one fails at once, no grace period so a
 * double refresh is caught), answers 403 for expired access tokens and 401 for unknown ones.
 */
export class FakeServer {
  readonly calls: RecordedCall[] = [];
  discovery: 'S256' | 'plain-only' | 404 | 'network-error' = 404;
  accessTokenLifetimeMs = 3_600_000;
  /** Delay before the token endpoint answers a refresh, to keep refreshes overlapping. */
  refreshDelay: Promise<void> | null = null;
  /** Overrides the API's answer, e.g. to answer 403 to everything. */
  apiOverride: ((call: RecordedCall) => Response) | null = null;
  tokenOverride: ((call: RecordedCall) => Response) | null = null;
  revokeFails = false;
  /** Serves `/.well-known/openid-configuration` (OpenID Connect discovery) and the standard dialect's endpoints. */
  openId = false;
  /** Lets a test change the claims of the next ID tokens (e.g. another issuer); `alg` sets the header's. */
  idTokenClaims: ((claims: Record<string, unknown>) => Record<string, unknown>) | null = null;
  idTokenAlg = 'RS256';
  /** Whether refreshes answer a new ID token. */
  idTokenOnRefresh = true;
  userinfoOverride: ((call: RecordedCall) => Response) | null = null;
  readonly endSessionEndpoint = `${site}/oauth2/logout`;

  private counter = 0;
  readonly accessTokens = new Map<string, number>();
  readonly refreshTokens = new Set<string>();
  readonly codes = new Map<string, { codeChallenge: string | null; nonce?: string | null }>();
  /** Access token → the user's sub, for userinfo. */
  readonly subjects = new Map<string, string>();

  constructor(readonly clock: FakeClock) {}

  readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const call: RecordedCall = {
      url: input,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: init.body,
      credentials: init.credentials,
    };
    this.calls.push(call);
    await Promise.resolve();
    const path = new URL(input).pathname;
    if (path === '/.well-known/oauth-authorization-server') return this.discover();
    if (path === '/.well-known/openid-configuration') {
      return this.openId ? json(200, this.openIdConfiguration()) : json(404, { error: 'not_found' });
    }
    if (this.openId && path === '/oauth2/token') return this.standardToken(call);
    if (this.openId && path === '/oauth2/revoke') {
      if (this.revokeFails) throw new TypeError('Failed to fetch');
      return new Response(null, { status: 200 });
    }
    if (this.openId && path === '/userinfo') return this.userinfo(call);
    if (path === '/external/api/oauth2/token') return this.token(call);
    if (path === '/external/api/oauth2/revoke') {
      if (this.revokeFails) throw new TypeError('Failed to fetch');
      return new Response(null, { status: 200 });
    }
    if (path.startsWith('/external/api/rest/v2/')) return this.api(call);
    return json(404, { status: 404, error: 'not_found' });
  };

  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((call) => new URL(call.url).pathname === path);
  }

  get tokenCalls(): RecordedCall[] {
    return this.callsTo('/external/api/oauth2/token');
  }

  get refreshCalls(): RecordedCall[] {
    return this.tokenCalls.filter((call) => call.headers['x-grant-type'] === 'refresh_token');
  }

  get apiCalls(): RecordedCall[] {
    return this.calls.filter((call) => new URL(call.url).pathname.startsWith('/external/api/rest/v2/'));
  }

  issueCode(codeChallenge: string | null = null, nonce: string | null = null): string {
    const code = `code-${++this.counter}`;
    this.codes.set(code, { codeChallenge, nonce });
    return code;
  }

  openIdConfiguration(): Record<string, unknown> {
    return {
      issuer: site,
      authorization_endpoint: `${site}/oauth2/authorize`,
      token_endpoint: `${site}/oauth2/token`,
      revocation_endpoint: `${site}/oauth2/revoke`,
      userinfo_endpoint: `${site}/userinfo`,
      end_session_endpoint: this.endSessionEndpoint,
      jwks_uri: `${site}/.well-known/jwks.json`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: ['openid', 'profile', 'email'],
    };
  }

  /** A JWS-shaped ID token (the SDK does not check signatures: OpenID Connect Core §3.1.3.7 step 6). */
  idToken(nonce: string | null): string {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    let claims: Record<string, unknown> = { iss: site, sub: '42', aud: clientId, exp: nowSeconds + 300, iat: nowSeconds, auth_time: nowSeconds };
    if (nonce !== null) claims['nonce'] = nonce;
    if (this.idTokenClaims) claims = this.idTokenClaims(claims);
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: this.idTokenAlg, typ: 'JWT', kid: 'k1' })}.${encode(claims)}.c2lnbmF0dXJl`;
  }

  private standardToken(call: RecordedCall): Response {
    if (this.tokenOverride) return this.tokenOverride(call);
    const form = new URLSearchParams(typeof call.body === 'string' ? call.body : '');
    const withSeconds = (tokens: ReturnType<FakeServer['issueTokens']>, idToken: string | null) => ({
      ...tokens,
      expires_in: this.accessTokenLifetimeMs / 1000,
      ...(idToken === null ? {} : { id_token: idToken }),
    });
    if (form.get('grant_type') === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code) return json(400, { error: 'invalid_grant', error_description: 'unknown code' });
      this.codes.delete(form.get('code') ?? '');
      const tokens = this.issueTokens();
      this.subjects.set(tokens.access_token, '42');
      return json(200, withSeconds(tokens, this.idToken(code.nonce ?? null)));
    }
    if (form.get('grant_type') === 'refresh_token') {
      if (!this.refreshTokens.delete(form.get('refresh_token') ?? '')) {
        return json(400, { error: 'invalid_grant', error_description: 'refresh token is not valid' });
      }
      const tokens = this.issueTokens();
      this.subjects.set(tokens.access_token, '42');
      return json(200, withSeconds(tokens, this.idTokenOnRefresh ? this.idToken(null) : null));
    }
    return json(400, { error: 'unsupported_grant_type' });
  }

  private userinfo(call: RecordedCall): Response {
    if (this.userinfoOverride) return this.userinfoOverride(call);
    const token = (call.headers['authorization'] ?? '').replace(/^Bearer /, '');
    const sub = this.subjects.get(token);
    if (sub === undefined) return json(401, { error: 'invalid_token' });
    return json(200, { sub, preferred_username: 'demo', email: 'demo@example.com' });
  }

  /** Tokens as if issued now; returns what the token endpoint would have answered. */
  issueTokens(): { access_token: string; refresh_token: string; expires_in: number; token_type: string } {
    const n = ++this.counter;
    const access = `at-${n}`;
    const refresh = `rt-${n}`;
    this.accessTokens.set(access, this.clock.now() + this.accessTokenLifetimeMs);
    this.refreshTokens.add(refresh);
    return { token_type: 'Bearer', access_token: access, refresh_token: refresh, expires_in: this.accessTokenLifetimeMs };
  }

  private discover(): Response {
    switch (this.discovery) {
      case 'S256':
        return json(200, { issuer: site, code_challenge_methods_supported: ['S256'] });
      case 'plain-only':
        return json(200, { issuer: site, code_challenge_methods_supported: ['plain'] });
      case 404:
        return json(404, { status: 404, error: 'not_found' });
      case 'network-error':
        throw new TypeError('Failed to fetch');
    }
  }

  private async token(call: RecordedCall): Promise<Response> {
    if (this.tokenOverride) return this.tokenOverride(call);
    const h = call.headers;
    if (h['x-grant-type'] === 'authorization_code') {
      const code = this.codes.get(h['x-auth-code'] ?? '');
      if (!code) return json(400, { status: 400, error: 'invalid_grant', errorDescription: 'unknown code' });
      this.codes.delete(h['x-auth-code'] ?? '');
      if (code.codeChallenge !== null && h['x-code-verifier'] === undefined) {
        return json(400, { status: 400, error: 'invalid_grant', errorDescription: 'code_verifier missing' });
      }
      return json(200, this.issueTokens());
    }
    if (h['x-grant-type'] === 'refresh_token') {
      if (this.refreshDelay) await this.refreshDelay;
      const token = h['x-refresh-token'] ?? '';
      if (!this.refreshTokens.delete(token)) {
        return json(400, { status: 400, error: 'invalid_grant', errorDescription: 'refresh token is not valid' });
      }
      return json(200, this.issueTokens());
    }
    return json(400, { status: 400, error: 'unsupported_grant_type', errorDescription: 'no such grant' });
  }

  private api(call: RecordedCall): Response {
    if (this.apiOverride) return this.apiOverride(call);
    const expiresAt = this.accessTokens.get(call.headers['x-access-token'] ?? '');
    if (expiresAt === undefined) return json(401, { status: 401, error: 'invalid_token', errorDescription: 'unknown token' });
    if (expiresAt <= this.clock.now()) return json(403, { status: 403, error: 'token_expired' });
    return json(200, { path: new URL(call.url).pathname, token: call.headers['x-access-token'] });
  }
}

/** Mutual exclusion with the Web Locks semantics the SDK relies on: held until the callback settles. */
export class FakeLocks implements LockManagerLike {
  private readonly tails = new Map<string, Promise<unknown>>();
  requests = 0;
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    this.requests++;
    const tail = this.tails.get(name) ?? Promise.resolve();
    const result = tail.then(callback, callback);
    this.tails.set(name, result.catch(() => undefined));
    return result;
  }
}

/** Connects channels like BroadcastChannel: a message reaches every other channel, asynchronously. */
export class FakeChannelHub {
  private readonly channels = new Set<FakeChannel>();
  readonly posted: unknown[] = [];
  create(): FakeChannel {
    const channel = new FakeChannel(this);
    this.channels.add(channel);
    return channel;
  }
  deliver(from: FakeChannel, data: unknown): void {
    this.posted.push(data);
    for (const channel of this.channels) {
      if (channel !== from) setTimeout(() => channel.receive(data), 0);
    }
  }
  remove(channel: FakeChannel): void {
    this.channels.delete(channel);
  }
}

export class FakeChannel implements BroadcastChannelLike {
  private readonly listeners: ((event: { data: unknown }) => void)[] = [];
  constructor(private readonly hub: FakeChannelHub) {}
  postMessage(message: unknown): void {
    this.hub.deliver(this, structuredClone(message));
  }
  addEventListener(_type: 'message', listener: (event: { readonly data: unknown }) => void): void {
    this.listeners.push(listener);
  }
  receive(data: unknown): void {
    for (const listener of this.listeners) listener({ data });
  }
  close(): void {
    this.hub.remove(this);
  }
}

export interface Harness {
  clock: FakeClock;
  server: FakeServer;
  storage: ReturnType<typeof createMemoryStorage>;
  session: ReturnType<typeof createMemoryStorage>;
  navigations: string[];
  replacedUrls: string[];
  client: KeycardClient;
}

export function createHarness(overrides: Partial<KeycardClientOptions> = {}): Harness {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const storage = createMemoryStorage();
  const session = createMemoryStorage();
  const navigations: string[] = [];
  const replacedUrls: string[] = [];
  const client = createKeycardClient({
    site,
    clientId,
    redirectUri,
    scope,
    storage,
    sessionStorage: session,
    fetch: server.fetch,
    now: clock.now,
    navigate: (url) => navigations.push(url),
    replaceUrl: (url) => replacedUrls.push(url),
    locks: null,
    broadcastChannel: null,
    ...overrides,
  });
  return { clock, server, storage, session, navigations, replacedUrls, client };
}

/** Login and redirect through the standard dialect (`openid` scope), leaving the client signed in. */
export async function signInWithOpenId(h: Harness): Promise<void> {
  await h.client.login();
  const loginUrl = new URL(h.navigations.at(-1) ?? '');
  const code = h.server.issueCode(loginUrl.searchParams.get('code_challenge'), loginUrl.searchParams.get('nonce'));
  const state = loginUrl.searchParams.get('state') ?? '';
  await h.client.handleRedirect(`${redirectUri}?code=${code}&state=${state}&iss=${encodeURIComponent(site)}`);
  h.server.calls.length = 0;
}

/** Goes through login and the redirect, leaving the client signed in. */
export async function signIn(h: Harness): Promise<void> {
  await h.client.login();
  const loginUrl = new URL(h.navigations.at(-1) ?? '');
  const code = h.server.issueCode(loginUrl.searchParams.get('code_challenge'));
  const state = loginUrl.searchParams.get('state') ?? '';
  await h.client.handleRedirect(`${redirectUri}#code=${code}&appCode=web&state=${state}`);
  h.server.calls.length = 0;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
