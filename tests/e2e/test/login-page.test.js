// Keycard's login page in real Chromium: the generic failure message, security headers as the browser
// receives them, no framing by another origin, and no code without the anti-forgery token.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { newContext, startKeycardAndChromium } from '../lib/chromium.js';
import { demoLoginUrl, fillLoginForm, openDemo, storedTokens } from '../lib/flows.js';
import { demoUser, startKeycard } from '../lib/keycard.js';

const genericFailure = 'The username or password is incorrect.';

let server;
let browser;

before(async () => {
  ({ server, browser } = await startKeycardAndChromium(startKeycard, {}));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Waits for the answer to the login form's POST. */
function loginPost(page) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login.html');
}

/** A page on another origin (another port) that frames the login page and, as a control, a page of its own. */
async function startFramingSite(loginUrl) {
  const site = createServer((request, response) => {
    if (request.url === '/inner.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!DOCTYPE html><p id="inner">framed fine</p>');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!DOCTYPE html><title>evil</title>
      <iframe id="control" src="/inner.html"></iframe>
      <iframe id="login" src="${loginUrl.replaceAll('&', '&amp;')}"></iframe>`);
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${site.address().port}/`, close: () => new Promise((resolve) => site.close(resolve)) };
}

describe('login page', () => {
  it('signIn_WrongPasswordOrUnknownUser_ShowsTheSameGenericMessageAndIssuesNothing', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await openDemo(page, server.baseUrl, 'ioffice');
      await page.locator('#sign-in').click();
      await page.waitForURL((url) => url.pathname === '/login.html');

      for (const attempt of [
        { userName: demoUser.userName, password: 'not-the-password' },
        { userName: 'nobody-by-this-name', password: demoUser.password },
      ]) {
        const answer = loginPost(page);
        await fillLoginForm(page, attempt);
        const response = await answer;

        assert.equal(response.status(), 200);
        assert.equal(response.headers()['location'], undefined);
        assert.equal((await page.locator('.alert').textContent()).trim(), genericFailure);
        assert.equal(new URL(page.url()).pathname, '/login.html');
        assert.equal(await page.locator('#username').inputValue(), attempt.userName);
        assert.equal(await page.locator('#password').inputValue(), '');
      }
      assert.equal(await storedTokens(page), null);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('get_TheRealResponse_CarriesTheSecurityHeaders', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();

      const response = await page.goto(demoLoginUrl(server.baseUrl));

      assert.equal(response.status(), 200);
      const headers = await response.allHeaders();
      assert.equal(headers['x-frame-options'], 'DENY');
      assert.equal(headers['referrer-policy'], 'no-referrer');
      assert.equal(headers['cache-control'], 'no-store');
      assert.equal(headers['x-content-type-options'], 'nosniff');
      const csp = headers['content-security-policy'] ?? '';
      assert.match(csp, /(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
      assert.match(csp, /(^|;)\s*default-src 'none'\s*(;|$)/);
      assert.doesNotMatch(csp, /script-src/, 'the login page runs no script');
      assert.equal(await page.locator('input[name=__keycard_csrf]').count(), 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('iframe_FromAnotherOrigin_IsBlocked', async () => {
    const site = await startFramingSite(demoLoginUrl(server.baseUrl));
    const { context } = await newContext(browser);
    try {
      const page = await context.newPage();
      const refused = page.waitForEvent('console', {
        predicate: (message) => /frame-ancestors 'none'/.test(message.text()),
        timeout: 10_000,
      });

      await page.goto(site.url);
      await refused;

      // The control frame from the framing site's own origin renders: framing itself works on this page.
      const control = page.frameLocator('#control');
      assert.equal(await control.locator('#inner').textContent(), 'framed fine');
      // The login form rendered in no frame at all.
      for (const frame of page.frames()) {
        assert.equal(await frame.locator('#password').count(), 0, `a frame at ${frame.url()} shows the login form`);
      }
      const loginFrame = await (await page.$('#login')).contentFrame();
      assert.notEqual(new URL(loginFrame.url()).pathname, '/login.html');
    } finally {
      await context.close();
      await site.close();
    }
  });

  it('post_WithoutTheAntiforgeryField_IsRefusedAndIssuesNoCode', async () => {
    const { context } = await newContext(browser);
    try {
      const page = await context.newPage();
      await openDemo(page, server.baseUrl, 'ioffice');
      await page.locator('#sign-in').click();
      await page.waitForURL((url) => url.pathname === '/login.html');
      const removed = await page.evaluate(() => {
        const field = document.querySelector('input[name=__keycard_csrf]');
        field?.remove();
        return field !== null;
      });
      assert.equal(removed, true);

      const answer = loginPost(page);
      await fillLoginForm(page, demoUser);
      const response = await answer;

      assert.equal(response.status(), 400);
      assert.equal(response.headers()['location'], undefined);
      assert.equal(new URL(page.url()).pathname, '/login.html');
      assert.match(await page.locator('h1').textContent(), /Session expired/);
      assert.equal(await page.locator('#password').count(), 0);
      assert.equal(await storedTokens(page), null);
    } finally {
      await context.close();
    }
  });
});
