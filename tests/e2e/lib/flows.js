// What a person does in the demo app, step by step.
import { demoUser } from './keycard.js';

/** Where the demo's Sign in goes: the guide's login page, or the standard dialect's authorization endpoint. */
export const loginPaths = { ioffice: '/login.html', openid: '/oauth2/authorize' };

/**
 * Opens the demo signed out with the protocol picked (`ioffice` or `openid`, the demo's default), signs in through
 * the login page, and waits for users/me on the page. Returns the login page's URL and where the login page sent the
 * browser back to.
 */
export async function signInThroughDemo(page, baseUrl, user = demoUser, protocol = 'ioffice') {
  await openDemo(page, baseUrl, protocol);
  await page.locator('#sign-in').click();
  const loginPath = loginPaths[protocol];
  await page.waitForURL((url) => url.pathname === loginPath);
  const loginUrl = new URL(page.url());
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === loginPath);
  await fillLoginForm(page, user);
  const response = await answer;
  await page.waitForURL((url) => url.pathname === '/demo/');
  await page.locator('#me-status', { hasText: 'HTTP 200' }).waitFor();
  return { loginUrl, loginStatus: response.status(), location: response.headers()['location'] ?? null };
}

/** Opens the demo signed out with the protocol picked (the page's select, kept in localStorage). */
export async function openDemo(page, baseUrl, protocol) {
  await page.goto(`${baseUrl}/demo/`);
  await page.evaluate((picked) => localStorage.setItem('keycard-demo:protocol', picked), protocol);
  await page.reload();
  await page.locator('#status', { hasText: /Signed (in|out)/ }).waitFor();
}

/** The login page for the demo client with the guide's five parameters, as any app would link it. */
export function demoLoginUrl(baseUrl, state = 'e2e-state') {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'demo-app',
    redirect_uri: `${baseUrl}/demo/`,
    scope: 'email',
    state,
  });
  return `${baseUrl}/login.html?${query}`;
}

export async function fillLoginForm(page, user) {
  await page.locator('#username').fill(user.userName);
  await page.locator('#password').fill(user.password);
  await page.locator('button[type=submit]').click();
}

/** The tokens the SDK stored for the demo client (localStorage, shared by the context's tabs). */
export async function storedTokens(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('keycard:demo-app:tokens') ?? 'null'));
}

/** A users/me call from the test itself, outside the browser. */
export async function callUsersMe(baseUrl, accessToken) {
  const response = await fetch(`${baseUrl}/external/api/rest/v2/users/me`, {
    headers: { 'x-access-token': accessToken },
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A refresh from the test itself, outside the browser. */
export async function refreshDirectly(baseUrl, refreshToken) {
  const response = await fetch(`${baseUrl}/external/api/oauth2/token`, {
    method: 'POST',
    headers: {
      'x-grant-type': 'refresh_token',
      'x-redirect-uri': `${baseUrl}/demo/`,
      'x-client-id': 'demo-app',
      'x-scope': 'email',
      'x-refresh-token': refreshToken,
    },
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}
