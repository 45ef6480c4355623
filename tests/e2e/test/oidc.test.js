// OpenID Connect in real Chromium against a real `keycard serve --demo`: oidc-client-ts (a widely used browser
// relying party library) signs in and out from a static app on another 127.0.0.1 origin, and the SDK demo's
// Sign out ends Keycard's sign-in session (OpenID Connect RP-Initiated Logout 1.0).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startKeycard as startShared } from '../../Shared/keycard.js';
import { launchChromium, newContext } from '../lib/chromium.js';
import { fillLoginForm, loginPaths, openDemo, signInThroughDemo, storedTokens } from '../lib/flows.js';
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
          '--post-logout-redirect-uri', `${app.baseUrl}/signed-out.html`,
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
  it('signinRedirect_ThenSignoutRedirect_EndsTheKeycardSession', async () => {
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

      await page.goto(`${app.baseUrl}/`);
      await page.locator('#profile').waitFor();
      await page.locator('#sign-out').click();
      await page.waitForURL((url) => url.origin === app.baseUrl && url.pathname === '/signed-out.html');
      await page.locator('#signed-out:not([hidden]), #error:not([hidden])').waitFor();
      assert.equal(await page.locator('#error').isHidden(), true, await page.locator('#error').textContent());
      // signoutRedirectCallback found the state it sent, so this is the logout it started.
      assert.equal(await page.locator('#signed-out').textContent(), 'signed out, state back-from-keycard');

      assert.equal(await startAppSignIn(page), true, 'after sign-out, signing in asks for the password again');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('SDK demo sign-out', () => {
  it('demoSignOut_IOffice_ConfirmsOnKeycardsPageThenEndsTheSession', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await signInThroughDemo(page, server.baseUrl, demoUser, 'ioffice');
      // A session to end: the standard dialect's authorize would resume it without the form.
      const resumed = await context.request.get(
        `${server.baseUrl}/oauth2/authorize?response_type=code&client_id=demo-app&redirect_uri=${encodeURIComponent(`${server.baseUrl}/demo/`)}` +
          '&scope=email&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
        { maxRedirects: 0 },
      );
      assert.ok([302, 303].includes(resumed.status()), `authorize answered ${resumed.status()}`);
      assert.ok(new URL(resumed.headers()['location']).searchParams.get('code'));

      await page.locator('#sign-out').click();
      // No ID token in the iOFFICE dialect, so no id_token_hint: Keycard asks (RP-Initiated Logout 1.0 §2).
      await page.waitForURL((url) => url.pathname === '/oauth2/logout');
      assert.equal(new URL(page.url()).searchParams.get('id_token_hint'), null);
      await page.locator('button[type=submit]').click();
      await page.locator('#signed-out-notice').waitFor();
      assert.equal(new URL(page.url()).search, '');

      await openDemo(page, server.baseUrl, 'openid');
      await page.locator('#sign-in').click();
      await page.waitForURL((url) => url.pathname === loginPaths.openid);
      await page.locator('#password').waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('demoSignOut_OpenId_EndsTheSessionSoTheNextSignInAsksForThePassword', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await signInThroughDemo(page, server.baseUrl, demoUser, 'openid');
      await page.locator('#userinfo-status', { hasText: 'HTTP 200' }).waitFor();
      const claims = JSON.parse(await page.locator('#id-token-claims').textContent());
      assert.equal(claims.iss, server.baseUrl);
      assert.equal(claims.aud === 'demo-app' || claims.aud?.includes?.('demo-app'), true);
      const userinfo = JSON.parse(await page.locator('#userinfo').textContent());
      assert.equal(userinfo.sub, claims.sub);
      assert.equal(userinfo.email, demoUser.email);

      const endSession = page.waitForRequest((request) => new URL(request.url()).searchParams.has('id_token_hint'));
      await page.locator('#sign-out').click();
      const logoutUrl = new URL((await endSession).url());
      assert.equal(logoutUrl.searchParams.get('client_id'), 'demo-app');
      assert.equal(logoutUrl.searchParams.get('post_logout_redirect_uri'), `${server.baseUrl}/demo/`);
      await page.locator('#signed-out-notice').waitFor();
      // The SDK checked the state and took it out of the address bar.
      assert.equal(new URL(page.url()).search, '');
      assert.equal(await storedTokens(page), null);

      await page.locator('#sign-in').click();
      await page.waitForURL((url) => url.pathname === loginPaths.openid);
      await page.locator('#password').waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
