// response_mode=form_post (OAuth 2.0 Form Post Response Mode §2) in real Chromium: after the password, Keycard's
// page posts the code, state and iss to the client's redirect URI on another origin. The page's one inline script
// runs only because the CSP allows its hash, and the POST only because form-action names the client's origin: any CSP
// violation or console error fails the test, and the client's server must receive the parameters in the POST body.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { launchChromium, newContext } from '../lib/chromium.js';
import { fillLoginForm } from '../lib/flows.js';
import { startKeycard } from '../../Shared/keycard.js';

const user = { userName: 'dora', password: 'dora-long-password' };

let server;
let browser;
let callback;

/** The client's redirect URI: records every POST body it receives. */
async function startCallback() {
  const posts = [];
  const site = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      if (request.method === 'POST') {
        posts.push({ contentType: request.headers['content-type'], form: new URLSearchParams(body) });
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!DOCTYPE html><title>client</title><p id="back">back at the client</p>');
    });
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${site.address().port}/cb`, posts, close: () => new Promise((resolve) => site.close(resolve)) };
}

before(async () => {
  callback = await startCallback();
  server = await startKeycard({
    prepare: ({ cli }) => {
      cli(['user', 'add', user.userName, '--email', 'dora@example.com', '--first-name', 'Dora', '--last-name', 'D', '--password-stdin'], `${user.password}\n`);
      cli(['client', 'add', 'poster', '--name', 'Form Post App', '--redirect-uri', callback.url]);
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await callback?.close();
});

describe('response_mode=form_post', () => {
  it('formPost_SignIn_ChromiumPostsCodeStateAndIssToTheClient', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'poster', redirect_uri: callback.url, scope: 'openid email', state: 'fp-state',
      code_challenge: challenge, code_challenge_method: 'S256', nonce: 'fp-nonce', response_mode: 'form_post',
    });
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/oauth2/authorize?${query}`);
      await fillLoginForm(page, user);
      await page.waitForURL((url) => url.toString().startsWith(callback.url));
      await page.locator('#back').waitFor();

      assert.equal(callback.posts.length, 1);
      const { contentType, form } = callback.posts[0];
      assert.equal(contentType, 'application/x-www-form-urlencoded');
      assert.equal(form.get('state'), 'fp-state');
      assert.equal(form.get('iss'), server.baseUrl);
      assert.ok(form.get('code'));
      assert.equal(new URL(page.url()).search, '', 'the code must not appear in any URL');

      // The posted code is a working code.
      const token = await fetch(`${server.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: form.get('code'), client_id: 'poster', redirect_uri: callback.url, code_verifier: verifier }),
      });
      assert.equal(token.status, 200);
      assert.ok((await token.json()).id_token);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
