import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createMemoryStorage } from '../dist/index.js';
import { clientId, createHarness, signIn } from './fakes.js';

// Issue 12: the refresh token in localStorage is readable by any script on the origin (an XSS flaw can steal it).
// The 'memory' mode keeps tokens only in the page, so nothing durable is left for a script to read.
describe('storage: memory', () => {
  const globals = globalThis as { localStorage?: unknown };
  const original = globals.localStorage;
  afterEach(() => {
    globals.localStorage = original;
  });

  it('memory_SignedIn_KeepsTokensOutOfLocalStorage', async () => {
    const local = createMemoryStorage();
    globals.localStorage = local;
    const h = createHarness({ storage: 'memory' });

    await signIn(h);

    assert.ok(h.client.getTokens()?.refreshToken, 'the client holds a refresh token');
    assert.equal(local.getItem(`keycard:${clientId}:tokens`), null);
    assert.equal(h.storage.getItem(`keycard:${clientId}:tokens`), null);
  });

  it('memory_TwoClients_ShareNoTokens', async () => {
    const first = createHarness({ storage: 'memory' });
    await signIn(first);

    const second = createHarness({ storage: 'memory' });

    assert.ok(first.client.isAuthenticated());
    assert.equal(second.client.isAuthenticated(), false);
  });
});
