import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeycardChangeEvent } from '../dist/index.js';
import { clientId, createHarness, deferred, signIn } from './fakes.js';

describe('logout', () => {
  it('logout_SignedIn_RevokesBothTokensAndClearsStorage', async () => {
    const h = createHarness();
    await signIn(h);
    const tokens = h.client.getTokens()!;
    const events: KeycardChangeEvent[] = [];
    h.client.onChange((event) => events.push(event));

    await h.client.logout();

    const revocations = h.server.callsTo('/external/api/oauth2/revoke');
    assert.deepEqual(revocations.map((c) => c.headers).sort((a, b) => (a['x-token']! < b['x-token']! ? -1 : 1)), [
      { 'x-token': tokens.accessToken },
      { 'x-token': tokens.refreshToken },
    ].sort((a, b) => (a['x-token']! < b['x-token']! ? -1 : 1)));
    assert.ok(revocations.every((c) => c.method === 'POST' && c.body === undefined && c.credentials === 'omit'));
    assert.equal(h.storage.getItem(`keycard:${clientId}:tokens`), null);
    assert.equal(h.client.isAuthenticated(), false);
    assert.equal(h.client.expiresAt(), null);
    assert.deepEqual(events, [{ reason: 'signed-out', tokens: null, fromOtherTab: false }]);
  });

  it('logout_RevocationFails_StillClearsStorage', async () => {
    const h = createHarness();
    await signIn(h);
    h.server.revokeFails = true;

    await h.client.logout();

    assert.equal(h.server.callsTo('/external/api/oauth2/revoke').length, 2);
    assert.equal(h.client.getTokens(), null);
  });

  it('logout_DuringRefresh_WaitsForItAndRevokesTheRotatedTokens', async () => {
    const h = createHarness();
    await signIn(h);
    h.clock.advance(h.server.accessTokenLifetimeMs + 1);
    const gate = deferred();
    h.server.refreshDelay = gate.promise;

    const call = h.client.fetch('users/me').catch((error: unknown) => error);
    while (h.server.refreshCalls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const loggingOut = h.client.logout();
    gate.resolve();
    await Promise.all([call, loggingOut]);

    assert.equal(h.client.getTokens(), null);
    const revoked = h.server.callsTo('/external/api/oauth2/revoke').map((c) => c.headers['x-token']);
    const rotated = [...h.server.refreshTokens];
    assert.equal(rotated.length, 1, 'the refresh went through');
    assert.ok(revoked.includes(rotated[0]), 'the refresh token issued by the refresh is revoked');
  });
});
