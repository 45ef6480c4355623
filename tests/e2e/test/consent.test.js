// The consent page for a third-party client (issue 16) in real Chromium: shown after the password on /login.html,
// Allow returns the code in the fragment, Deny returns access_denied with state, and the account page revokes the
// consent. Every step fails on a console error or CSP violation (the consent POST is followed by a redirect to the
// client, which the page's form-action must allow).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { launchChromium, newContext } from '../lib/chromium.js';
import { fillLoginForm } from '../lib/flows.js';
import { startKeycard } from '../../Shared/keycard.js';

const user = { userName: 'carol', password: 'carol-long-password' };
const clientName = 'Partner Reports';

let server;
let browser;
let callback;

/** The third-party client's redirect URI: a page of its own on another port. */
async function startCallback() {
  const site = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!DOCTYPE html><title>partner</title><p id="back">back at the partner</p>');
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${site.address().port}/cb`, close: () => new Promise((resolve) => site.close(resolve)) };
}

before(async () => {
  callback = await startCallback();
  server = await startKeycard({
    prepare: ({ cli }) => {
      cli(['user', 'add', user.userName, '--email', 'carol@example.com', '--first-name', 'Carol', '--last-name', 'C', '--password-stdin'], `${user.password}\n`);
      cli(['client', 'add', 'partner', '--name', clientName, '--redirect-uri', callback.url, '--third-party']);
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await callback?.close();
});

function loginUrl(state) {
  const query = new URLSearchParams({ response_type: 'code', client_id: 'partner', redirect_uri: callback.url, scope: 'email reports:read', state });
  return `${server.baseUrl}/login.html?${query}`;
}

function fragmentOf(url) {
  return new URLSearchParams(new URL(url).hash.slice(1));
}

/** Opens the login page, signs in, and waits for the consent page. */
async function reachConsent(page, state) {
  await page.goto(loginUrl(state));
  await fillLoginForm(page, user);
  await page.locator('button[name=decision][value=allow]').waitFor();
  assert.equal((await page.locator('h1').textContent()).trim(), 'Allow access?');
  const text = await page.locator('main').textContent();
  assert.ok(text.includes(clientName), text);
  assert.ok(text.includes('reports:read'), text);
  assert.ok(text.includes('See your email address'), text);
}

describe('consent page', () => {
  it('consent_Deny_ReturnsAccessDeniedWithStateInTheFragment', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await reachConsent(page, 'deny-state');

      await page.locator('button[name=decision][value=deny]').click();
      await page.waitForURL((url) => url.toString().startsWith(callback.url));

      const fragment = fragmentOf(page.url());
      assert.equal(fragment.get('error'), 'access_denied');
      assert.equal(fragment.get('state'), 'deny-state');
      assert.equal(fragment.get('code'), null);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('consent_AllowThenAccountPageRevoke_CodeInTheFragmentThenAskedAgain', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await reachConsent(page, 'allow-state');

      await page.locator('button[name=decision][value=allow]').click();
      await page.waitForURL((url) => url.toString().startsWith(callback.url));
      const fragment = fragmentOf(page.url());
      assert.equal(fragment.get('state'), 'allow-state');
      assert.ok(fragment.get('code'));
      assert.equal(fragment.get('appCode'), 'partner');

      await page.goto(`${server.baseUrl}/account/consents`);
      assert.ok((await page.locator('main').textContent()).includes(clientName));
      await page.locator('form.app button').click();
      await page.waitForLoadState();
      assert.ok((await page.locator('main').textContent()).includes('You have not allowed any application yet.'));

      // Asked again after the revocation.
      await reachConsent(page, 'again');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
