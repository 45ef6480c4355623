// The Keycard demo app: signs in with the browser SDK (OpenID Connect or the iOFFICE header flow), calls users/me,
// counts the access token down, refreshes, shows the ID token and userinfo, and signs out (ending Keycard's sign-in
// session), showing each protocol step as it happens. No framework, no build step.
import { createKeycardClient, KeycardError } from '/demo/sdk/index.js';

// `keycard serve --demo` registers this public client with redirect URI and post-logout redirect URI
// {baseUrl}/demo/ (Cli/DemoSetup.cs).
const clientId = 'demo-app';
const redirectUri = `${location.origin}/demo/`;

// The protocol picked on the page: 'openid' (the standard dialect with OpenID Connect) or 'ioffice'.
const protocolKey = 'keycard-demo:protocol';
const protocol = localStorage.getItem(protocolKey) === 'ioffice' ? 'ioffice' : 'openid';

// What must survive the trip to the login page and back lives in sessionStorage, like the SDK's own state.
const journalKey = 'keycard-demo:journal';
const steps = ['login', 'code', 'exchange', 'api', 'refresh', 'revoke', 'logout'];
const maxLogEntries = 14;

const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
};

const keycard = createKeycardClient({
  site: location.origin,
  clientId,
  redirectUri,
  // `openid` makes the SDK speak the standard dialect and keep the ID token (logout's id_token_hint).
  scope: protocol === 'openid' ? 'openid profile email' : 'email',
  postLogoutRedirectUri: redirectUri,
  // Keycard supports S256, so the demo always uses PKCE instead of asking discovery first.
  pkce: true,
  // Short, so the countdown visibly reaches zero before the next call refreshes; apps keep the 30 s default.
  refreshMarginMs: 2_000,
  fetch: recordingFetch,
});

let journal = loadJournal();
let refreshCount = 0;

// ---------------------------------------------------------------------------------------------------------
// The journal: step details and the request log, kept across the login navigation.

function loadJournal() {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(journalKey) ?? 'null');
    if (parsed && typeof parsed === 'object' && Array.isArray(parsed.log)) return parsed;
  } catch {
    // A broken journal is only cosmetic: start a new one.
  }
  return { details: {}, log: [] };
}

function saveJournal() {
  sessionStorage.setItem(journalKey, JSON.stringify(journal));
}

function completeStep(step, detail) {
  journal.details[step] = detail;
  journal.current = step;
  saveJournal();
  renderSteps();
}

function addLog(entry) {
  journal.log = [{ at: Date.now(), ...entry }, ...journal.log].slice(0, maxLogEntries);
  saveJournal();
  renderLog();
}

/** Enough of a secret to tell two apart, never the whole value. */
function short(value) {
  return typeof value === 'string' && value.length > 10 ? `${value.slice(0, 6)}…${value.slice(-4)}` : String(value ?? '–');
}

function formatDuration(ms) {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}

// ---------------------------------------------------------------------------------------------------------
// Every request the SDK makes goes through here (the SDK's `fetch` option), so the page shows the real traffic.

async function recordingFetch(input, init = {}) {
  const url = new URL(input, location.href);
  const method = init.method ?? 'GET';
  // The iOFFICE dialect's parameters are x-* headers; the standard dialect's are a form body (or a Bearer header).
  const sent = new Map(new Headers(init.headers).entries());
  const form = typeof init.body === 'string' ? new URLSearchParams(init.body) : new URLSearchParams();
  for (const [name, value] of form) sent.set(`form:${name}`, value);
  const headers = [...sent.entries()]
    .filter(([name]) => name.startsWith('x-') || name.startsWith('form:') || name === 'authorization')
    .map(([name, value]) => `${name.replace(/^form:/, '')}${name.startsWith('form:') ? '=' : ': '}${/token|code|verifier|authorization/.test(name) ? short(value) : value}`);
  let response;
  try {
    response = await fetch(input, init);
  } catch (error) {
    addLog({ method, path: url.pathname, headers, status: 'network error' });
    throw error;
  }
  const body = url.pathname.endsWith('/oauth2/token') && response.ok ? await response.clone().json().catch(() => null) : null;
  addLog({ method, path: url.pathname, headers, status: response.status, note: body ? describeTokenAnswer(body) : undefined });
  describeStep(url.pathname, sent, response.status, body);
  return response;
}

/** expires_in in milliseconds: the iOFFICE dialect answers milliseconds, the standard one seconds (RFC 6749 §5.1). */
function expiresInMs(body) {
  return protocol === 'ioffice' ? body.expires_in : body.expires_in * 1000;
}

function describeTokenAnswer(body) {
  const unit = protocol === 'ioffice' ? 'ms' : 's';
  const idToken = body.id_token ? `, id_token ${short(body.id_token)}` : '';
  return `expires_in: ${body.expires_in} (${unit}), access_token ${short(body.access_token)}, refresh_token ${short(body.refresh_token)}${idToken}`;
}

function describeStep(path, headers, status, body) {
  if (path.endsWith('/oauth2/token')) {
    const grant = headers.get('x-grant-type') ?? headers.get('form:grant_type');
    if (grant === 'authorization_code') {
      const verifier = headers.has('x-code-verifier') || headers.has('form:code_verifier');
      const unit = protocol === 'ioffice' ? 'ms' : 's';
      completeStep(
        'exchange',
        body
          ? `${status}: expires_in ${body.expires_in} ${unit} = ${formatDuration(expiresInMs(body))}; ${verifier ? 'the PKCE verifier matched the challenge' : 'no PKCE'}${body.id_token ? '; an ID token' : ''}.`
          : `${status}: the exchange was refused.`,
      );
    } else if (grant === 'refresh_token') {
      completeStep(
        'refresh',
        body
          ? `${status}: refresh token ${short(headers.get('x-refresh-token') ?? headers.get('form:refresh_token'))} spent, ${short(body.refresh_token)} issued with access token ${short(body.access_token)}${body.id_token ? ' and a new ID token' : ''}.`
          : `${status}: the refresh was refused; the SDK signs out.`,
      );
    }
  } else if (path.includes('/rest/v2/')) {
    completeStep('api', `${status} with x-access-token: ${short(headers.get('x-access-token'))}.`);
  } else if (path.endsWith('/oauth2/revoke')) {
    const revoked = (journal.details.revoke ?? '').startsWith('Revoked') ? `${journal.details.revoke} and` : 'Revoked';
    completeStep('revoke', `${revoked} ${short(headers.get('x-token') ?? headers.get('form:token'))} (${status})`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rendering.

function renderSteps() {
  for (const element of document.querySelectorAll('[data-protocol]')) {
    element.hidden = element.dataset.protocol !== protocol;
  }
  for (const step of steps) {
    const item = document.querySelector(`[data-step="${step}"]`);
    const detail = document.querySelector(`[data-detail="${step}"]`);
    const text = journal.details[step];
    item.dataset.state = journal.current === step ? 'current' : text ? 'done' : 'todo';
    detail.textContent = text ?? '';
    detail.hidden = !text;
  }
}

function renderLog() {
  const list = $('log');
  list.replaceChildren(
    ...journal.log.map((entry) => {
      const item = document.createElement('li');
      const line = document.createElement('div');
      line.className = 'log-line';
      const status = document.createElement('span');
      status.className = 'status';
      status.dataset.kind = typeof entry.status !== 'number' ? 'info' : entry.status < 400 ? 'ok' : 'error';
      status.textContent = String(entry.status);
      const request = document.createElement('code');
      request.textContent = `${entry.method} ${entry.path}`;
      const time = document.createElement('time');
      time.textContent = new Date(entry.at).toLocaleTimeString([], { hour12: false });
      line.append(status, request, time);
      item.append(line);
      for (const text of [...(entry.headers ?? []), ...(entry.note ? [`→ ${entry.note}`] : [])]) {
        const extra = document.createElement('div');
        extra.className = 'log-extra';
        extra.textContent = text;
        item.append(extra);
      }
      return item;
    }),
  );
  if (journal.log.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'muted';
    empty.textContent = 'No requests yet.';
    list.append(empty);
  }
}

function renderSession() {
  const tokens = keycard.getTokens();
  const signedIn = tokens !== null;
  const status = $('status');
  status.dataset.state = signedIn ? 'signed-in' : 'signed-out';
  status.textContent = signedIn ? 'Signed in' : 'Signed out';
  $('signed-in-panel').hidden = !signedIn;
  $('signed-out-panel').hidden = signedIn;
  $('sign-in').hidden = signedIn;
  for (const id of ['call-api', 'refresh', 'sign-out']) $(id).hidden = !signedIn;
  $('access-token').textContent = short(tokens?.accessToken);
  $('refresh-token').textContent = short(tokens?.refreshToken);
  $('refresh-count').textContent = String(refreshCount);
  if (!signedIn) {
    $('user-name').textContent = '…';
  }
  const claims = keycard.getIdTokenClaims();
  $('identity-card').hidden = !signedIn || claims === null;
  $('id-token-claims').textContent = claims === null ? '–' : JSON.stringify(claims, null, 2);
  renderCountdown();
}

function renderCountdown() {
  const tokens = keycard.getTokens();
  if (!tokens || tokens.expiresAt === null) return;
  const lifetime = Math.max(1, tokens.expiresAt - tokens.receivedAt);
  const remaining = tokens.expiresAt - Date.now();
  const expired = remaining <= 0;
  $('expires-in').textContent = expired ? 'expired' : formatCountdown(remaining);
  $('expires-in').dataset.expired = String(expired);
  const bar = $('expires-bar');
  bar.max = lifetime;
  bar.value = Math.max(0, remaining);
  $('expiry-hint').textContent = expired
    ? 'Expired. The next API call makes the SDK refresh first (and rotate the refresh token).'
    : 'The SDK refreshes it shortly before it runs out, when the app next calls the API.';
}

function formatCountdown(ms) {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

function showError(error) {
  const element = $('error');
  if (error === null) {
    element.hidden = true;
    element.textContent = '';
    return;
  }
  element.hidden = false;
  element.textContent =
    error instanceof KeycardError
      ? `${error.error}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.errorDescription ?? ''}`
      : String(error);
}

function showMe(status, body) {
  $('me-status').textContent = `HTTP ${status}`;
  $('me-status').dataset.ok = String(status < 400);
  $('me').textContent = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  if (status < 400 && body && typeof body === 'object') {
    $('user-name').textContent = `${body.name} (${body.userName})`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Actions.

async function signIn() {
  showError(null);
  const url = new URL(await keycard.createLoginUrl());
  journal = { details: {}, log: [] };
  const parameters = [...url.searchParams.entries()]
    .map(([name, value]) => `${name}=${name === 'state' || name === 'code_challenge' || name === 'nonce' ? short(value) : value}`)
    .join(' · ');
  completeStep('login', parameters);
  addLog({ method: 'GET', path: url.pathname, status: 'navigate', headers: [`query: ${[...url.searchParams.keys()].join(', ')}`] });
  location.assign(url.toString());
}

async function callApi() {
  showError(null);
  $('me-status').textContent = 'calling…';
  try {
    const response = await keycard.fetch('users/me');
    const text = await response.text();
    let body = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Shown as text.
    }
    showMe(response.status, body);
  } catch (error) {
    $('me-status').textContent = 'failed';
    showError(error);
  }
}

async function refreshNow() {
  showError(null);
  try {
    await keycard.refresh();
  } catch (error) {
    showError(error);
  }
}

async function showUserinfo() {
  if (keycard.getIdTokenClaims() === null) return;
  $('userinfo-status').textContent = 'calling…';
  try {
    const claims = await keycard.userinfo();
    $('userinfo-status').textContent = 'HTTP 200';
    $('userinfo-status').dataset.ok = 'true';
    $('userinfo').textContent = JSON.stringify(claims, null, 2);
  } catch (error) {
    $('userinfo-status').textContent = 'failed';
    $('userinfo-status').dataset.ok = 'false';
    showError(error);
  }
}

async function signOut() {
  showError(null);
  journal.details.revoke = undefined;
  journal.details.logout = undefined;
  // Revokes both tokens, then navigates to Keycard's end_session endpoint, which comes back to /demo/?state=….
  await keycard.logout({
    navigate(url) {
      const parameters = [...new URL(url).searchParams.keys()].join(', ');
      completeStep('logout', `Sent to ${new URL(url).pathname} with ${parameters}.`);
      addLog({ method: 'GET', path: new URL(url).pathname, status: 'navigate', headers: [`query: ${parameters}`] });
      location.assign(url);
    },
  });
  $('me').textContent = 'Signed out. The old tokens are revoked: the API would answer 401.';
  $('me-status').textContent = 'not called yet';
  delete $('me-status').dataset.ok;
}

/** Back from Keycard's end_session endpoint with the state the SDK sent. */
function completeLogoutRedirect() {
  if (!keycard.handleLogoutRedirect()) return false;
  const text = "Back with the same state: Keycard's sign-in session is over, so signing in asks for the password again.";
  completeStep('logout', `${journal.details.logout ?? ''} ${text}`.trim());
  addLog({ method: 'GET', path: '/demo/', status: 'redirect', headers: ['?state=… (matched)'] });
  $('signed-out-notice').textContent = 'Signed out of this app and of Keycard.';
  $('signed-out-notice').hidden = false;
  return true;
}

async function completeRedirect() {
  // The iOFFICE dialect answers in the fragment, the standard one in the query.
  const fragment = new URLSearchParams(location.hash.slice(1));
  const response = fragment.has('code') || fragment.has('error') ? fragment : new URLSearchParams(location.search);
  const inFragment = response === fragment;
  const code = response.get('code');
  const error = response.get('error');
  if (!code && !error) return false;
  const mark = inFragment ? '#' : '?';
  completeStep(
    'code',
    code
      ? inFragment
        ? `#code=${short(code)}&appCode=${response.get('appCode') ?? '–'}&state=${short(response.get('state'))}`
        : `?code=${short(code)}&state=${short(response.get('state'))}&iss=${response.get('iss') ?? '–'}`
      : `${mark}error=${error}`,
  );
  addLog({
    method: 'GET',
    path: '/demo/',
    status: 'redirect',
    headers: [code ? (inFragment ? '#code=…&appCode=…&state=…' : '?code=…&state=…&iss=…') : `${mark}error=${error}`],
  });
  await keycard.handleRedirect();
  completeStep('code', `${journal.details.code} · state ${inFragment ? '' : 'and issuer '}matched, code removed from the address bar.`);
  return true;
}

keycard.onChange((event) => {
  if (event.reason === 'refreshed') refreshCount += 1;
  if (event.reason === 'signed-out') refreshCount = 0;
  if (event.fromOtherTab && event.reason === 'signed-out') {
    $('me').textContent = 'Signed out in another tab.';
  }
  renderSession();
});

$('sign-in').addEventListener('click', () => signIn().catch(showError));
$('call-api').addEventListener('click', () => callApi());
$('refresh').addEventListener('click', () => refreshNow());
$('sign-out').addEventListener('click', () => signOut().catch(showError));
$('protocol').value = protocol;
$('protocol').addEventListener('change', (event) => {
  localStorage.setItem(protocolKey, event.target.value);
  location.reload();
});

renderSteps();
renderLog();
renderSession();
setInterval(renderCountdown, 100);

try {
  const signedInNow = completeLogoutRedirect() ? false : await completeRedirect();
  renderSession();
  if (signedInNow || keycard.isAuthenticated()) {
    await callApi();
    await showUserinfo();
  }
} catch (error) {
  showError(error);
  renderSession();
}
