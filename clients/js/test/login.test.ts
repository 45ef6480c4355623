import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildLoginUrl } from '../dist/index.js';
import { clientId, createHarness, redirectUri, scope, site } from './fakes.js';

function base64Url(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

describe('buildLoginUrl', () => {
  it('buildLoginUrl_NoChallenge_HasExactlyTheFiveParameters', () => {
    const url = new URL(buildLoginUrl({ site: `${site}/`, clientId, redirectUri, scope: 'email profile', state: 'xyz' }));

    assert.equal(url.origin + url.pathname, `${site}/login.html`);
    assert.deepEqual([...url.searchParams.entries()], [
      ['response_type', 'code'],
      ['client_id', clientId],
      ['redirect_uri', redirectUri],
      ['scope', 'email profile'],
      ['state', 'xyz'],
    ]);
  });

  it('buildLoginUrl_WithChallenge_AddsS256Method', () => {
    const url = new URL(buildLoginUrl({ site, clientId, redirectUri, scope, state: 's', codeChallenge: 'abc' }));

    assert.equal(url.searchParams.get('code_challenge'), 'abc');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  });
});

describe('login', () => {
  it('login_DiscoveryListsS256_NavigatesWithChallengeOfStoredVerifier', async () => {
    const h = createHarness();
    h.server.discovery = 'S256';

    await h.client.login();

    assert.equal(h.navigations.length, 1);
    const url = new URL(h.navigations[0] ?? '');
    for (const name of ['response_type', 'client_id', 'redirect_uri', 'scope', 'state']) {
      assert.ok(url.searchParams.get(name), `${name} is present`);
    }
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const pending = JSON.parse(h.session.getItem(`keycard:${clientId}:login`) ?? 'null') as {
      state: string;
      codeVerifier: string;
    };
    assert.equal(pending.state, url.searchParams.get('state'));
    assert.match(pending.codeVerifier, /^[A-Za-z0-9_-]{43,128}$/);
    const expected = base64Url(createHash('sha256').update(pending.codeVerifier).digest());
    assert.equal(url.searchParams.get('code_challenge'), expected);
  });

  it('login_State_IsAtLeast128BitsOfBase64UrlAndFreshEachTime', async () => {
    const h = createHarness();

    await h.client.login();
    await h.client.login();

    const states = h.navigations.map((n) => new URL(n).searchParams.get('state') ?? '');
    for (const state of states) assert.match(state, /^[A-Za-z0-9_-]{22,}$/);
    assert.notEqual(states[0], states[1]);
  });

  for (const discovery of [404, 'network-error', 'plain-only'] as const) {
    it(`login_Discovery${discovery}_NavigatesWithoutPkce`, async () => {
      const h = createHarness();
      h.server.discovery = discovery;

      await h.client.login();

      const url = new URL(h.navigations[0] ?? '');
      assert.equal(url.searchParams.get('code_challenge'), null);
      assert.equal(url.searchParams.get('code_challenge_method'), null);
      assert.equal(url.searchParams.get('state')?.length ? true : false, true);
      assert.equal(h.server.callsTo('/.well-known/oauth-authorization-server').length, 1);
    });
  }

  it('login_PkceFalse_SkipsDiscovery', async () => {
    const h = createHarness({ pkce: false });
    h.server.discovery = 'S256';

    await h.client.login();

    assert.equal(h.server.calls.length, 0);
    assert.equal(new URL(h.navigations[0] ?? '').searchParams.get('code_challenge'), null);
  });

  it('login_ScopeOption_OverridesClientScope', async () => {
    const h = createHarness();

    await h.client.login({ scope: 'email files' });

    assert.equal(new URL(h.navigations[0] ?? '').searchParams.get('scope'), 'email files');
  });
});
