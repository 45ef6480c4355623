// OpenID Connect in real Chromium against a real `keycard serve --demo`: oidc-client-ts (a widely used browser
// relying party library) signs in and out from a static app on another 127.0.0.1 origin, and the SDK demo's
// Sign out ends Keycard's sign-in session (OpenID Connect RP-Initiated Logout 1.0).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startKeycard as startShared } from '../../Shared/keycard.js';
import { launchChromium, newContext } from '../lib/chromium.js';
import { fillLoginForm, loginPaths, signInThroughDemo, storedTokens } from '../lib/flows.js';
import { demoUser } from '../lib/keycard.js';
import { startStaticApp } from '../lib/static-app.js';

const appClientId = 'e2e-oidc-client-ts';

let server;
let app;
let browser;

before(async () => {
  let authority = null;
  app = await startStaticApp(() => ({ authority, clientId: appClientId }));
  try {
    server = await startShared({
      args: ['--demo'],
      prepare({ cli }) {
        cli([
          'client', 'add', appClientId,
          '--redirect-uri', `${app.baseUrl}/callback.html`,
          // The app is another origin: its discovery, token and userinfo requests need CORS.
          '--origin', app.baseUrl,
        ]);
      },
    });
    authority = server.baseUrl;
    browser = await launchChromium();
  } catch (error) {
    await server?.stop();
    await app.stop();
    throw error;
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await app?.stop();
});

/** Clicks the app's Sign in; returns true when Keycard showed its form (and false when it sent the code at once). */
async function startAppSignIn(page) {
  await page.goto(`${app.baseUrl}/`);
  await page.locator('#sign-in').click();
  await page.waitForURL((url) => url.pathname === loginPaths.openid || url.pathname === '/callback.html');
  return new URL(page.url()).pathname === loginPaths.openid;
}

async function profileOnCallback(page) {
  await page.waitForURL((url) => url.pathname === '/callback.html');
  await page.locator('#profile:not([hidden]), #error:not([hidden])').waitFor();
  assert.equal(await page.locator('#error').isHidden(), true, await page.locator('#error').textContent());
  return JSON.parse(await page.locator('#profile').textContent());
}

describe('oidc-client-ts in Chromium', () => {
  it('signinRedirect_ThroughKeycardsForm_CallbackShowsTheProfile', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();

      assert.equal(await startAppSignIn(page), true, 'the first sign-in shows the login form');
      const authorize = new URL(page.url());
      assert.equal(authorize.origin, server.baseUrl);
      for (const name of ['client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']) {
        assert.ok(authorize.searchParams.get(name), `${name} is sent`);
      }
      await fillLoginForm(page, demoUser);
      const profile = await profileOnCallback(page);
      // The ID token's claims, checked by the library, merged with userinfo (loadUserInfo).
      assert.match(profile.sub, /^\S+$/);
      assert.equal(profile.iss, server.baseUrl);
      assert.equal(profile.preferred_username, demoUser.userName);
      assert.equal(profile.email, demoUser.email);
      assert.equal(profile.name, demoUser.name);

      // While Keycard's session lasts, another sign-in needs no password.
      assert.equal(await startAppSignIn(page), false, 'the session signs in again without the form');
      assert.equal((await profileOnCallback(page)).sub, profile.sub);

      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

