// The demo app at /demo/ and the browser SDK inside it, against a real `keycard serve --demo`, in real Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newContext, startKeycardAndChromium } from '../lib/chromium.js';
import { callUsersMe, refreshDirectly, signInThroughDemo, storedTokens } from '../lib/flows.js';
import { demoUser, startKeycard } from '../lib/keycard.js';

// Short, so a test can cross an expiry; the demo's SDK refreshes 2 s before the end.
const accessTokenLifetime = '00:00:05';
const expiryWaitMs = 12_000;

let server;
let browser;

before(async () => {
  ({ server, browser } = await startKeycardAndChromium(startKeycard, { 'Keycard:AccessTokenLifetime': accessTokenLifetime }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Requests to the token endpoint with x-grant-type: refresh_token made by the pages of a context. */
function countRefreshes(context) {
  const seen = { count: 0 };
  context.on('request', (request) => {
    if (new URL(request.url()).pathname === '/external/api/oauth2/token' && request.headers()['x-grant-type'] === 'refresh_token') {
      seen.count += 1;
    }
  });
  return seen;
}

async function waitForExpiry(page) {
  await page.locator('#expires-in', { hasText: 'expired' }).waitFor({ timeout: expiryWaitMs });
}

describe('demo app', () => {
  it('signIn_ThroughTheLoginPage_ShowsUsersMeAndCountsDown', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();

      const { loginUrl, loginStatus, location } = await signInThroughDemo(page, server.baseUrl);

      // The SDK sent the guide's five parameters plus PKCE.
      const query = loginUrl.searchParams;
      assert.equal(query.get('response_type'), 'code');
      assert.equal(query.get('client_id'), 'demo-app');
      assert.equal(query.get('redirect_uri'), `${server.baseUrl}/demo/`);
      assert.equal(query.get('scope'), 'email');
      assert.match(query.get('state') ?? '', /^[\w-]{43,}$/);
      assert.match(query.get('code_challenge') ?? '', /^[\w-]{43}$/);
      assert.equal(query.get('code_challenge_method'), 'S256');
      // The login page answered with a 303 to the redirect URI, the code in the fragment.
      assert.equal(loginStatus, 303);
      assert.match(location ?? '', new RegExp(`^${server.baseUrl}/demo/#code=[^&]+&appCode=demo-app&state=${query.get('state')}$`));
      // The SDK took the code out of the address bar.
      assert.equal(new URL(page.url()).hash, '');

      const me = JSON.parse(await page.locator('#me').textContent());
      assert.equal(me.userName, demoUser.userName);
      assert.equal(me.email, demoUser.email);
      assert.equal(await page.locator('#user-name').textContent(), `${demoUser.name} (${demoUser.userName})`);
      assert.equal(await page.locator('#status').textContent(), 'Signed in');
      assert.match(await page.locator('#expires-in').textContent(), /^\d\.\d s$/);
      assert.match(await page.locator('[data-detail="exchange"]').textContent(), /expires_in 5000 ms/);

      const first = await page.locator('#expires-in').textContent();
      await page.waitForFunction((previous) => document.getElementById('expires-in')?.textContent !== previous, first, { timeout: 2_000 });

      const tokens = await storedTokens(page);
      assert.equal((await callUsersMe(server.baseUrl, tokens.accessToken)).status, 200);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('callApi_AfterTheAccessTokenExpired_RefreshesAndKeepsWorking', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await signInThroughDemo(page, server.baseUrl);
      const before = await storedTokens(page);

      await waitForExpiry(page);
      // The server agrees the old token is expired: 403, the guide's "refresh me" answer.
      assert.equal((await callUsersMe(server.baseUrl, before.accessToken)).status, 403);
      await page.locator('#call-api').click();
      await page.locator('#me-status', { hasText: 'HTTP 200' }).waitFor();
      await page.locator('#refresh-count', { hasText: '1' }).waitFor();

      const afterRefresh = await storedTokens(page);
      assert.notEqual(afterRefresh.accessToken, before.accessToken);
      assert.notEqual(afterRefresh.refreshToken, before.refreshToken, 'the refresh token rotated');
      assert.equal(await page.locator('#status').textContent(), 'Signed in');
      assert.equal(await page.locator('#error').isHidden(), true);
      assert.equal(JSON.parse(await page.locator('#me').textContent()).userName, demoUser.userName);
      assert.equal((await callUsersMe(server.baseUrl, afterRefresh.accessToken)).status, 200);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('callApi_TwoTabsAfterExpiryAtOnce_BothKeepWorkingWithOneRefresh', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const first = await context.newPage();
      await signInThroughDemo(first, server.baseUrl);
      const second = await context.newPage();
      await second.goto(`${server.baseUrl}/demo/`);
      await second.locator('#me-status', { hasText: 'HTTP 200' }).waitFor();
      const before = await storedTokens(first);
      await Promise.all([waitForExpiry(first), waitForExpiry(second)]);

      const refreshes = countRefreshes(context);
      await Promise.all([first.locator('#call-api').click(), second.locator('#call-api').click()]);
      await Promise.all([
        first.locator('#me-status', { hasText: 'HTTP 200' }).waitFor(),
        second.locator('#me-status', { hasText: 'HTTP 200' }).waitFor(),
      ]);

      // Web Locks: one tab refreshed, the other used the tokens it stored.
      assert.equal(refreshes.count, 1);
      for (const page of [first, second]) {
        assert.equal(await page.locator('#status').textContent(), 'Signed in');
        assert.equal(await page.locator('#error').isHidden(), true);
        assert.equal(JSON.parse(await page.locator('#me').textContent()).userName, demoUser.userName);
      }
      const now = await storedTokens(second);
      assert.notEqual(now.accessToken, before.accessToken);
      assert.equal((await callUsersMe(server.baseUrl, now.accessToken)).status, 200);

      // The refresh token family is intact: the next refresh works too.
      await second.locator('#refresh').click();
      await second.waitForFunction((previous) => {
        const stored = JSON.parse(localStorage.getItem('keycard:demo-app:tokens') ?? 'null');
        return stored !== null && stored.refreshToken !== previous;
      }, now.refreshToken, { timeout: 5_000 });
      assert.equal(await second.locator('#error').isHidden(), true);
      assert.equal((await callUsersMe(server.baseUrl, (await storedTokens(first)).accessToken)).status, 200);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('signOut_RevokesBothTokens_TheApiRefusesTheOldOnes', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await signInThroughDemo(page, server.baseUrl, demoUser, 'openid');
      const tokens = await storedTokens(page);
      assert.equal((await callUsersMe(server.baseUrl, tokens.accessToken)).status, 200);

      await page.locator('#sign-out').click();
      // The SDK revokes, then goes through Keycard's end_session endpoint and back to the demo.
      await page.locator('#signed-out-notice').waitFor();
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      await page.locator('[data-detail="revoke"]', { hasText: /Revoked .* and .*\(200\)/ }).waitFor();

      assert.equal(await storedTokens(page), null);
      assert.equal(await page.locator('#sign-in').isVisible(), true);
      const api = await callUsersMe(server.baseUrl, tokens.accessToken);
      assert.equal(api.status, 401);
      assert.equal(api.body?.error, 'invalid_token');
      const refresh = await refreshDirectly(server.baseUrl, tokens.refreshToken);
      assert.equal(refresh.status, 400);
      assert.equal(refresh.body?.error, 'invalid_grant');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
