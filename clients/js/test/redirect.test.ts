import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeycardError, type KeycardChangeEvent } from '../dist/index.js';
import { clientId, createHarness, json, redirectUri, scope } from './fakes.js';

async function startLogin(h: ReturnType<typeof createHarness>): Promise<{ state: string; challenge: string | null }> {
  await h.client.login();
  const url = new URL(h.navigations.at(-1) ?? '');
  return { state: url.searchParams.get('state') ?? '', challenge: url.searchParams.get('code_challenge') };
}

describe('handleRedirect', () => {
  it('handleRedirect_CodeInFragment_ExchangesWithExactlyTheProtocolHeaders', async () => {
    const h = createHarness();
    const { state } = await startLogin(h);
    const code = h.server.issueCode();

    await h.client.handleRedirect(`${redirectUri}#code=${code}&appCode=web&state=${state}`);

    assert.equal(h.server.tokenCalls.length, 1);
    const call = h.server.tokenCalls[0]!;
    assert.equal(call.url, 'http://127.0.0.1:5000/external/api/oauth2/token');
    assert.equal(call.method, 'POST');
    assert.equal(call.body, undefined);
    assert.equal(call.credentials, 'omit');
    assert.deepEqual(call.headers, {
      'x-grant-type': 'authorization_code',
      'x-redirect-uri': redirectUri,
      'x-client-id': clientId,
      'x-scope': scope,
      'x-auth-code': code,
    });
  });

  it('handleRedirect_CodeInQuery_ExchangesCode', async () => {
    const h = createHarness();
    const { state } = await startLogin(h);
    const code = h.server.issueCode();

    const tokens = await h.client.handleRedirect(`${redirectUri}?code=${code}&state=${state}`);

    assert.equal(h.server.tokenCalls[0]?.headers['x-auth-code'], code);
    assert.ok(tokens?.accessToken);
    assert.equal(h.client.isAuthenticated(), true);
  });

  it('handleRedirect_PkceLogin_SendsTheStoredVerifier', async () => {
    const h = createHarness();
    h.server.discovery = 'S256';
    const pending = h.session;
    const { state, challenge } = await startLogin(h);
    const verifier = (JSON.parse(pending.getItem(`keycard:${clientId}:login`) ?? '{}') as { codeVerifier: string })
      .codeVerifier;
    const code = h.server.issueCode(challenge);

    await h.client.handleRedirect(`${redirectUri}#code=${code}&state=${state}`);

    assert.equal(h.server.tokenCalls[0]?.headers['x-code-verifier'], verifier);
  });

  it('handleRedirect_ExpiresIn_IsTreatedAsMilliseconds', async () => {
    const h = createHarness();
    const { state } = await startLogin(h);
    const code = h.server.issueCode();
    h.server.tokenOverride = () =>
      json(200, { token_type: 'Bearer', access_token: 'a', refresh_token: 'r', expires_in: 3_600_000 });

    const tokens = await h.client.handleRedirect(`${redirectUri}#code=${code}&state=${state}`);

    assert.equal(tokens?.expiresAt, h.clock.now() + 3_600_000);
    assert.equal(h.client.expiresAt(), h.clock.now() + 3_600_000);
    assert.deepEqual(
      { accessToken: tokens?.accessToken, refreshToken: tokens?.refreshToken, receivedAt: tokens?.receivedAt },
      { accessToken: 'a', refreshToken: 'r', receivedAt: h.clock.now() },
    );
  });

  it('handleRedirect_StateMismatch_ThrowsAndDoesNotExchange', async () => {
    const h = createHarness();
    await startLogin(h);
    const code = h.server.issueCode();

    await assert.rejects(
      h.client.handleRedirect(`${redirectUri}#code=${code}&state=forged`),
      (error: unknown) => error instanceof KeycardError && error.error === 'state_mismatch',
    );
    assert.equal(h.server.tokenCalls.length, 0);
    assert.equal(h.client.isAuthenticated(), false);
  });

  it('handleRedirect_NoLoginStartedInThisTab_ThrowsStateMismatch', async () => {
    const h = createHarness();
    const code = h.server.issueCode();

    await assert.rejects(h.client.handleRedirect(`${redirectUri}#code=${code}&state=anything`), {
      name: 'KeycardError',
      error: 'state_mismatch',
    });
    assert.equal(h.server.tokenCalls.length, 0);
  });

  it('handleRedirect_StateMissing_ThrowsStateMismatch', async () => {
    const h = createHarness();
    await startLogin(h);

    await assert.rejects(h.client.handleRedirect(`${redirectUri}#code=${h.server.issueCode()}`), {
      error: 'state_mismatch',
    });
    assert.equal(h.server.tokenCalls.length, 0);
  });

  it('handleRedirect_NoCode_ReturnsNullWithoutRequests', async () => {
    const h = createHarness();
    await startLogin(h);
    h.server.calls.length = 0;

    assert.equal(await h.client.handleRedirect(`${redirectUri}?page=2#section`), null);
    assert.equal(h.server.calls.length, 0);
    assert.deepEqual(h.replacedUrls, []);
  });

  for (const where of ['#', '?'] as const) {
    it(`handleRedirect_ErrorIn${where === '#' ? 'Fragment' : 'Query'}_ThrowsServerError`, async () => {
      const h = createHarness();
      const { state } = await startLogin(h);

      await assert.rejects(
        h.client.handleRedirect(`${redirectUri}${where}error=access_denied&error_description=User+said+no&state=${state}`),
        { name: 'KeycardError', error: 'access_denied', errorDescription: 'User said no' },
      );
      assert.equal(h.server.tokenCalls.length, 0);
    });
  }

  it('handleRedirect_Success_RemovesCodeStateAndAppCodeFromAddressBar', async () => {
    const h = createHarness();
    const { state } = await startLogin(h);
    const code = h.server.issueCode();

    await h.client.handleRedirect(`${redirectUri}?tab=2#code=${code}&appCode=web&state=${state}`);

    assert.deepEqual(h.replacedUrls, [`${redirectUri}?tab=2`]);
  });

  it('handleRedirect_TokenEndpointError_ThrowsKeycardErrorWithServerFields', async () => {
    const h = createHarness();
    const { state } = await startLogin(h);

    await assert.rejects(h.client.handleRedirect(`${redirectUri}#code=never-issued&state=${state}`), {
      name: 'KeycardError',
      error: 'invalid_grant',
      errorDescription: 'unknown code',
      status: 400,
    });
    assert.equal(h.client.isAuthenticated(), false);
  });

  it('handleRedirect_StandardErrorDescriptionField_IsAccepted', async () => {
    const h = createHarness();
    const { state } = await startLogin(h);
    h.server.tokenOverride = () => json(401, { error: 'invalid_client', error_description: 'client is disabled' });

    await assert.rejects(h.client.handleRedirect(`${redirectUri}#code=c&state=${state}`), {
      error: 'invalid_client',
      errorDescription: 'client is disabled',
      status: 401,
    });
  });

  it('handleRedirect_CalledTwiceAtOnce_ExchangesTheCodeOnce', async () => {
    const h = createHarness();
    const { state } = await startLogin(h);
    const url = `${redirectUri}#code=${h.server.issueCode()}&state=${state}`;

    const [first, second] = await Promise.all([h.client.handleRedirect(url), h.client.handleRedirect(url)]);

    assert.equal(h.server.tokenCalls.length, 1);
    assert.equal(first?.accessToken, second?.accessToken);
  });

  it('handleRedirect_Success_EmitsSignedIn', async () => {
    const h = createHarness();
    const events: KeycardChangeEvent[] = [];
    h.client.onChange((event) => events.push(event));
    const { state } = await startLogin(h);

    const tokens = await h.client.handleRedirect(`${redirectUri}#code=${h.server.issueCode()}&state=${state}`);

    assert.deepEqual(events, [{ reason: 'signed-in', tokens, fromOtherTab: false }]);
  });
});
