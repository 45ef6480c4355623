import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeycardError, type KeycardChangeEvent } from '../dist/index.js';
import { clientId, createHarness, deferred, json, redirectUri, scope, signIn } from './fakes.js';

describe('fetch', () => {
  it('fetch_SignedIn_SendsAccessTokenWithoutCookies', async () => {
    const h = createHarness();
    await signIn(h);
    const token = h.client.getTokens()?.accessToken;

    const response = await h.client.fetch('/users/me', { headers: { accept: 'application/json' } });

    assert.equal(response.status, 200);
    const call = h.server.apiCalls[0]!;
    assert.equal(call.url, 'http://127.0.0.1:5000/external/api/rest/v2/users/me');
    assert.equal(call.headers['x-access-token'], token);
    assert.equal(call.headers['accept'], 'application/json');
    assert.equal(call.credentials, 'omit');
  });

  it('fetch_NotSignedIn_ThrowsLoginRequiredWithoutRequests', async () => {
    const h = createHarness();

    await assert.rejects(h.client.fetch('users/me'), { name: 'KeycardError', error: 'login_required' });
    assert.equal(h.server.calls.length, 0);
  });

  it('fetch_AbsoluteUrlOfAnotherOrigin_IsRefused', async () => {
    const h = createHarness();
    await signIn(h);

    await assert.rejects(h.client.fetch('https://evil.example/steal'), { error: 'invalid_request' });
    assert.equal(h.server.calls.length, 0);
  });

  it('fetch_LessThanMarginLeft_RefreshesBeforeTheCall', async () => {
    const h = createHarness();
    await signIn(h);
    const before = h.client.getTokens()!;
    h.clock.time = before.expiresAt! - 29_000;

    await h.client.fetch('users/me');

    assert.equal(h.server.refreshCalls.length, 1);
    assert.deepEqual(h.server.refreshCalls[0]?.headers, {
      'x-grant-type': 'refresh_token',
      'x-redirect-uri': redirectUri,
      'x-client-id': clientId,
      'x-scope': scope,
      'x-refresh-token': before.refreshToken,
    });
    const after = h.client.getTokens()!;
    assert.notEqual(after.accessToken, before.accessToken);
    assert.equal(h.server.apiCalls[0]?.headers['x-access-token'], after.accessToken);
    assert.equal(h.server.calls.indexOf(h.server.refreshCalls[0]!), 0, 'refresh happens before the API call');
  });

  it('fetch_MoreThanMarginLeft_DoesNotRefresh', async () => {
    const h = createHarness();
    await signIn(h);
    h.clock.time = h.client.expiresAt()! - 31_000;

    await h.client.fetch('users/me');

    assert.equal(h.server.refreshCalls.length, 0);
  });

  it('fetch_CustomRefreshMargin_IsHonoured', async () => {
    const h = createHarness({ refreshMarginMs: 120_000 });
    await signIn(h);
    h.clock.time = h.client.expiresAt()! - 100_000;

    await h.client.fetch('users/me');

    assert.equal(h.server.refreshCalls.length, 1);
  });

  it('fetch_ProactiveRefreshOffline_UsesTheStillValidToken', async () => {
    const h = createHarness();
    await signIn(h);
    const token = h.client.getTokens()!.accessToken;
    h.clock.time = h.client.expiresAt()! - 10_000;
    h.server.tokenOverride = () => {
      throw new TypeError('Failed to fetch');
    };

    const response = await h.client.fetch('users/me');

    assert.equal(response.status, 200);
    assert.equal(h.server.apiCalls[0]?.headers['x-access-token'], token);
  });

  it('fetch_Answer403_RefreshesOnceAndRetriesOnce', async () => {
    const h = createHarness();
    await signIn(h);
    const old = h.client.getTokens()!.accessToken;
    h.server.accessTokens.set(old, h.clock.now()); // the server considers it expired already

    const response = await h.client.fetch('users/me');

    assert.equal(response.status, 200);
    assert.equal(h.server.refreshCalls.length, 1);
    assert.deepEqual(
      h.server.apiCalls.map((c) => c.headers['x-access-token']),
      [old, h.client.getTokens()!.accessToken],
    );
  });

  it('fetch_Always403_StopsAfterOneRetry', async () => {
    const h = createHarness();
    await signIn(h);
    h.server.apiOverride = () => json(403, { status: 403, error: 'token_expired' });

    const response = await h.client.fetch('users/me');

    assert.equal(response.status, 403);
    assert.equal(h.server.refreshCalls.length, 1);
    assert.equal(h.server.apiCalls.length, 2);
  });

  it('fetch_Answer401_IsNotRetriedAndSignsOut', async () => {
    const h = createHarness();
    await signIn(h);
    const events: KeycardChangeEvent[] = [];
    h.client.onChange((event) => events.push(event));
    h.server.accessTokens.clear();

    await assert.rejects(h.client.fetch('users/me'), (error: unknown) => {
      assert.ok(error instanceof KeycardError);
      assert.equal(error.error, 'invalid_token');
      assert.equal(error.status, 401);
      assert.equal(error.errorDescription, 'unknown token');
      return true;
    });
    assert.equal(h.server.apiCalls.length, 1);
    assert.equal(h.server.refreshCalls.length, 0);
    assert.equal(h.client.isAuthenticated(), false);
    assert.deepEqual(events, [{ reason: 'signed-out', tokens: null, fromOtherTab: false }]);
  });

  it('fetch_TenConcurrentWithExpiredToken_RefreshExactlyOnce', async () => {
    const h = createHarness();
    await signIn(h);
    h.clock.advance(h.server.accessTokenLifetimeMs + 1);

    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => h.client.fetch(`items/${i}`)));

    assert.equal(h.server.refreshCalls.length, 1);
    assert.deepEqual(responses.map((r) => r.status), Array(10).fill(200));
    const fresh = h.client.getTokens()!.accessToken;
    assert.ok(h.server.apiCalls.every((c) => c.headers['x-access-token'] === fresh));
  });

  it('fetch_TenConcurrent403s_RefreshExactlyOnce', async () => {
    const h = createHarness();
    await signIn(h);
    const old = h.client.getTokens()!.accessToken;
    h.server.accessTokens.set(old, h.clock.now());
    const gate = deferred();
    h.server.refreshDelay = gate.promise;

    const pending = Array.from({ length: 10 }, () => h.client.fetch('users/me'));
    setTimeout(gate.resolve, 5);
    const responses = await Promise.all(pending);

    assert.equal(h.server.refreshCalls.length, 1);
    assert.deepEqual(responses.map((r) => r.status), Array(10).fill(200));
  });

  it('fetch_RefreshTokenRejected_SignsOutWithServerError', async () => {
    const h = createHarness();
    await signIn(h);
    h.server.refreshTokens.clear();
    h.clock.advance(h.server.accessTokenLifetimeMs + 1);

    await assert.rejects(h.client.fetch('users/me'), {
      name: 'KeycardError',
      error: 'invalid_grant',
      errorDescription: 'refresh token is not valid',
      status: 400,
    });
    assert.equal(h.client.isAuthenticated(), false);
    assert.equal(h.server.apiCalls.length, 0);
  });

  it('refresh_ServerError500_KeepsTokens', async () => {
    const h = createHarness();
    await signIn(h);
    h.server.tokenOverride = () => json(500, { status: 500, error: 'server_error', errorDescription: 'boom' });

    await assert.rejects(h.client.refresh(), { error: 'server_error', status: 500 });
    assert.equal(h.client.isAuthenticated(), true);
  });

  it('refresh_Success_EmitsRefreshedWithNewExpiry', async () => {
    const h = createHarness();
    await signIn(h);
    const events: KeycardChangeEvent[] = [];
    h.client.onChange((event) => events.push(event));
    h.clock.advance(60_000);

    const tokens = await h.client.refresh();

    assert.equal(tokens.expiresAt, h.clock.now() + h.server.accessTokenLifetimeMs);
    assert.deepEqual(events, [{ reason: 'refreshed', tokens, fromOtherTab: false }]);
  });
});
