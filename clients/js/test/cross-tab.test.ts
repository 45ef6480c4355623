import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKeycardClient, createMemoryStorage, type KeycardChangeEvent, type KeycardClient } from '../dist/index.js';
import {
  FakeChannelHub,
  FakeClock,
  FakeLocks,
  FakeServer,
  clientId,
  deferred,
  redirectUri,
  scope,
  site,
} from './fakes.js';

/** Two "tabs": separate clients over one localStorage, one server, one clock. */
function twoTabs(shared: { locks?: FakeLocks | null; hub?: FakeChannelHub | null }) {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const storage = createMemoryStorage();
  const tab = (): KeycardClient =>
    createKeycardClient({
      site,
      clientId,
      redirectUri,
      scope,
      storage,
      sessionStorage: createMemoryStorage(),
      fetch: server.fetch,
      now: clock.now,
      navigate: () => undefined,
      replaceUrl: () => undefined,
      locks: shared.locks ?? null,
      broadcastChannel: shared.hub ? shared.hub.create() : null,
      crossTabWaitMs: 2_000,
    });
  const issued = server.issueTokens();
  storage.setItem(
    `keycard:${clientId}:tokens`,
    JSON.stringify({
      tokenType: 'Bearer',
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token,
      expiresAt: clock.now() + issued.expires_in,
      receivedAt: clock.now(),
      scope,
    }),
  );
  return { clock, server, storage, a: tab(), b: tab() };
}

describe('cross-tab refresh', () => {
  it('refresh_TwoTabsWithWebLocks_OnlyOneRefreshesTheOtherReusesItsTokens', async () => {
    const locks = new FakeLocks();
    const { clock, server, a, b } = twoTabs({ locks });
    clock.advance(server.accessTokenLifetimeMs + 1);

    const responses = await Promise.all([a.fetch('users/me'), b.fetch('users/me'), a.fetch('x'), b.fetch('y')]);

    assert.equal(server.refreshCalls.length, 1);
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200]);
    assert.equal(a.getTokens()?.accessToken, b.getTokens()?.accessToken);
    assert.ok(locks.requests >= 2, 'both tabs went through the lock');
  });

  it('refresh_TwoTabsWithBroadcastChannelOnly_SecondTabWaitsAndReusesTokens', async () => {
    const hub = new FakeChannelHub();
    const { clock, server, a, b } = twoTabs({ hub });
    clock.advance(server.accessTokenLifetimeMs + 1);
    const gate = deferred();
    server.refreshDelay = gate.promise;

    const first = a.fetch('users/me');
    // Tab b hears "busy" before it starts: the hub delivers on a 0 ms timer set when tab a posts, and a
    // timer set after that fires after it. (A fixed 5 ms sleep lost that race on a loaded machine.)
    for (let i = 0; i < 1_000 && !hub.posted.some((m) => (m as { type?: string }).type === 'busy'); i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    const second = b.fetch('users/me');
    setTimeout(gate.resolve, 5);
    const responses = await Promise.all([first, second]);

    assert.equal(server.refreshCalls.length, 1);
    assert.deepEqual(responses.map((r) => r.status), [200, 200]);
    a.close();
    b.close();
  });

  it('onChange_OtherTabRefreshesAndSignsOut_ListenerSeesBoth', async () => {
    const hub = new FakeChannelHub();
    const { a, b } = twoTabs({ hub });
    const seen: KeycardChangeEvent[] = [];
    b.onChange((event) => seen.push(event));

    const tokens = await a.refresh();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await a.logout();
    await new Promise((resolve) => setTimeout(resolve, 5));

    assert.deepEqual(seen, [
      { reason: 'refreshed', tokens, fromOtherTab: true },
      { reason: 'signed-out', tokens: null, fromOtherTab: true },
    ]);
    a.close();
    b.close();
  });
});
