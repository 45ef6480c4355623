// The standard dialect with OpenID Connect: sign-in with nonce, ID token checks (OpenID Connect Core §3.1.3.7),
// refresh (§12.2), userinfo (§5.3) and logout that ends Keycard's session (RP-Initiated Logout 1.0).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeycardError, buildEndSessionUrl, validateIdToken } from '../dist/index.js';
import { clientId, createHarness, redirectUri, signIn, signInWithOpenId, site } from './fakes.js';

const openIdScope = 'openid profile email';
const postLogoutRedirectUri = 'http://127.0.0.1:3000/signed-out.html';

function openIdHarness(overrides: Parameters<typeof createHarness>[0] = {}) {
  const h = createHarness({ scope: openIdScope, postLogoutRedirectUri, ...overrides });
  h.server.openId = true;
  return h;
}

async function startLogin(h: ReturnType<typeof openIdHarness>) {
  await h.client.login();
  const url = new URL(h.navigations.at(-1) ?? '');
  return {
    url,
    state: url.searchParams.get('state') ?? '',
    nonce: url.searchParams.get('nonce'),
    challenge: url.searchParams.get('code_challenge'),
  };
}

function isError(code: string) {
  return (error: unknown) => error instanceof KeycardError && error.error === code;
}

describe('OpenID Connect sign-in', () => {
  it('createKeycardClient_OpenIdScope_SpeaksTheStandardDialect', () => {
    assert.equal(openIdHarness().client.dialect, 'standard');
    assert.equal(createHarness().client.dialect, 'ioffice');
  });

  it('login_OpenIdScope_GoesToTheDiscoveredAuthorizeEndpointWithNonceAndPkce', async () => {
    const h = openIdHarness();

    const { url, nonce } = await startLogin(h);

    assert.equal(url.origin + url.pathname, `${site}/oauth2/authorize`);
    assert.deepEqual([...url.searchParams.keys()], [
      'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
    ]);
    assert.equal(url.searchParams.get('scope'), openIdScope);
    assert.match(nonce ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(nonce, url.searchParams.get('state'));
    assert.equal(h.server.callsTo('/.well-known/openid-configuration').length, 1);
  });

  it('handleRedirect_OpenId_ExchangesWithAFormAndKeepsTheIdToken', async () => {
    const h = openIdHarness();
    const { state, nonce, challenge } = await startLogin(h);
    const code = h.server.issueCode(challenge, nonce);

    const tokens = await h.client.handleRedirect(`${redirectUri}?code=${code}&state=${state}&iss=${encodeURIComponent(site)}`);

    const call = h.server.callsTo('/oauth2/token')[0]!;
    assert.equal(call.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(String(call.body));
    assert.deepEqual([...form.keys()].sort(), ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    assert.equal(form.get('grant_type'), 'authorization_code');
    assert.equal(form.get('client_id'), clientId);
    assert.equal(h.server.callsTo('/external/api/oauth2/token').length, 0);
    // RFC 6749 §5.1: seconds in this dialect.
    assert.equal(tokens?.expiresAt, h.clock.now() + h.server.accessTokenLifetimeMs);
    assert.ok(tokens?.idToken);
    const claims = h.client.getIdTokenClaims();
    assert.equal(claims?.sub, '42');
    assert.equal(claims?.nonce, nonce);
    assert.deepEqual(h.replacedUrls, [redirectUri]);
  });

  const tampered: [string, (claims: Record<string, unknown>) => Record<string, unknown>][] = [
    ['AnotherIssuer', (c) => ({ ...c, iss: 'https://evil.example' })],
    ['AnotherAudience', (c) => ({ ...c, aud: 'other-app' })],
    ['SeveralAudiencesWithoutAzp', (c) => ({ ...c, aud: [clientId, 'other-app'] })],
    ['AzpOfAnotherClient', (c) => ({ ...c, azp: 'other-app' })],
    ['AnotherNonce', (c) => ({ ...c, nonce: 'replayed' })],
    ['NoNonce', (c) => ({ ...c, nonce: undefined })],
    ['Expired', (c) => ({ ...c, exp: (c['iat'] as number) - 3600 })],
    ['IssuedInTheFuture', (c) => ({ ...c, iat: (c['iat'] as number) + 3600 })],
    ['NoSub', (c) => ({ ...c, sub: undefined })],
  ];
  for (const [name, change] of tampered) {
    it(`handleRedirect_IdToken${name}_ThrowsInvalidIdTokenAndStaysSignedOut`, async () => {
      const h = openIdHarness();
      const { state, nonce } = await startLogin(h);
      h.server.idTokenClaims = change;

      await assert.rejects(
        h.client.handleRedirect(`${redirectUri}?code=${h.server.issueCode(null, nonce)}&state=${state}&iss=${encodeURIComponent(site)}`),
        isError('invalid_id_token'),
      );
      assert.equal(h.client.isAuthenticated(), false);
    });
  }

  it('handleRedirect_UnsignedIdToken_IsRefused', async () => {
    const h = openIdHarness();
    const { state, nonce } = await startLogin(h);
    h.server.idTokenAlg = 'none';

    await assert.rejects(
      h.client.handleRedirect(`${redirectUri}?code=${h.server.issueCode(null, nonce)}&state=${state}&iss=${encodeURIComponent(site)}`),
      isError('invalid_id_token'),
    );
  });

  it('handleRedirect_NoIdTokenForAnOpenIdRequest_IsRefused', async () => {
    const h = openIdHarness();
    const { state } = await startLogin(h);
    // The server "forgets" the nonce and the ID token.
    h.server.tokenOverride = () =>
      new Response(JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 60 }), { status: 200 });

    await assert.rejects(
      h.client.handleRedirect(`${redirectUri}?code=c&state=${state}&iss=${encodeURIComponent(site)}`),
      isError('invalid_id_token'),
    );
    assert.equal(h.client.isAuthenticated(), false);
  });

  for (const [name, iss] of [['AnotherIssuer', 'https://evil.example'], ['NoIssuer', null]] as const) {
    it(`handleRedirect_Iss${name}_IsRefusedBeforeTheExchange`, async () => {
      const h = openIdHarness();
      const { state, nonce } = await startLogin(h);
      const issParameter = iss === null ? '' : `&iss=${encodeURIComponent(iss)}`;

      // RFC 9207 §2.4: the metadata promises iss, so a missing or foreign one means a mix-up.
      await assert.rejects(
        h.client.handleRedirect(`${redirectUri}?code=${h.server.issueCode(null, nonce)}&state=${state}${issParameter}`),
        isError('invalid_response'),
      );
      assert.equal(h.server.callsTo('/oauth2/token').length, 0);
    });
  }

  it('login_DiscoveryNamesAnotherIssuer_Throws', async () => {
    const h = openIdHarness();
    const original = h.server.openIdConfiguration.bind(h.server);
    h.server.openIdConfiguration = () => ({ ...original(), issuer: 'https://evil.example' });

    await assert.rejects(h.client.login(), isError('invalid_response'));
    assert.equal(h.navigations.length, 0);
  });
});

describe('OpenID Connect refresh and userinfo', () => {
  it('refresh_OpenId_SendsAFormAndKeepsTheNewIdToken', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);
    const before = h.client.getTokens()!;
    h.clock.advance(1_000);

    const fresh = await h.client.refresh();

    const form = new URLSearchParams(String(h.server.callsTo('/oauth2/token')[0]?.body));
    assert.deepEqual(Object.fromEntries(form), { grant_type: 'refresh_token', refresh_token: before.refreshToken, client_id: clientId });
    assert.ok(fresh.idToken);
    assert.notEqual(fresh.idToken, before.idToken);
    assert.equal(h.client.getIdTokenClaims()?.sub, '42');
  });

  it('refresh_NoNewIdToken_KeepsTheLastOneForLogout', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);
    const idToken = h.client.getTokens()?.idToken;
    h.server.idTokenOnRefresh = false;

    const fresh = await h.client.refresh();

    assert.equal(fresh.idToken, idToken);
    assert.equal(h.client.getTokens()?.idToken, idToken);
  });

  it('refresh_IdTokenForAnotherSub_IsRefused', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);
    h.server.idTokenClaims = (c) => ({ ...c, sub: '43' });

    // OpenID Connect Core §12.2: a refreshed ID token names the same user.
    await assert.rejects(h.client.refresh(), isError('invalid_id_token'));
  });

  it('userinfo_SignedIn_ReturnsClaimsFromTheDiscoveredEndpointWithBearer', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);

    const claims = await h.client.userinfo();

    assert.deepEqual(claims, { sub: '42', preferred_username: 'demo', email: 'demo@example.com' });
    const call = h.server.callsTo('/userinfo')[0]!;
    assert.equal(call.headers['authorization'], `Bearer ${h.client.getTokens()?.accessToken}`);
    assert.equal(call.credentials, 'omit');
  });

  it('userinfo_AnotherSub_IsRefused', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);
    h.server.userinfoOverride = () => new Response(JSON.stringify({ sub: '43' }), { status: 200 });

    // OpenID Connect Core §5.3.4.
    await assert.rejects(h.client.userinfo(), isError('invalid_response'));
  });
});

describe('logout ends the server session', () => {
  it('logout_OpenId_RevokesThenNavigatesToEndSessionWithIdTokenHintAndState', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);
    const tokens = h.client.getTokens()!;

    await h.client.logout();

    const revoked = h.server.callsTo('/oauth2/revoke').map((c) => Object.fromEntries(new URLSearchParams(String(c.body))));
    assert.deepEqual(revoked, [
      { token: tokens.refreshToken, token_type_hint: 'refresh_token', client_id: clientId },
      { token: tokens.accessToken, token_type_hint: 'access_token', client_id: clientId },
    ]);
    assert.equal(h.client.isAuthenticated(), false);
    assert.equal(h.navigations.length, 2, 'the sign-in, then the logout');
    const url = new URL(h.navigations.at(-1) ?? '');
    assert.equal(url.origin + url.pathname, h.server.endSessionEndpoint);
    assert.deepEqual([...url.searchParams.keys()], ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state']);
    assert.equal(url.searchParams.get('id_token_hint'), tokens.idToken);
    assert.equal(url.searchParams.get('client_id'), clientId);
    assert.equal(url.searchParams.get('post_logout_redirect_uri'), postLogoutRedirectUri);
    assert.match(url.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  it('handleRedirect_BackFromLogoutWithItsState_ReturnsNullAndCleansTheAddressBar', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);
    await h.client.logout();
    const state = new URL(h.navigations.at(-1) ?? '').searchParams.get('state');
    h.replacedUrls.length = 0;

    const result = await h.client.handleRedirect(`${postLogoutRedirectUri}?state=${state}`);

    assert.equal(result, null);
    assert.deepEqual(h.replacedUrls, [postLogoutRedirectUri]);
    // The state is single use.
    assert.equal(h.client.handleLogoutRedirect(`${postLogoutRedirectUri}?state=${state}`), false);
  });

  it('handleLogoutRedirect_AnotherState_ThrowsStateMismatch', async () => {
    const h = openIdHarness();
    await signInWithOpenId(h);
    await h.client.logout();

    assert.throws(() => h.client.handleLogoutRedirect(`${postLogoutRedirectUri}?state=forged`), isError('state_mismatch'));
    await h.client.logout();
    await assert.rejects(h.client.handleRedirect(`${postLogoutRedirectUri}?state=forged`), isError('state_mismatch'));
  });

  it('handleLogoutRedirect_NoLogoutStarted_ReturnsFalse', () => {
    const h = openIdHarness();

    assert.equal(h.client.handleLogoutRedirect(`${postLogoutRedirectUri}?state=anything`), false);
  });

  it('logout_IOfficeDialect_EndsTheDiscoveredSessionWithClientIdAndNoHint', async () => {
    const h = createHarness({ postLogoutRedirectUri });
    await signIn(h);
    h.server.openId = true;

    await h.client.logout();

    assert.equal(h.server.callsTo('/external/api/oauth2/revoke').length, 2);
    const url = new URL(h.navigations.at(-1) ?? '');
    assert.equal(url.origin + url.pathname, h.server.endSessionEndpoint);
    assert.deepEqual([...url.searchParams.keys()], ['client_id', 'post_logout_redirect_uri', 'state']);
  });

  it('logout_ConfiguredEndpoint_IsUsedWithoutDiscovery', async () => {
    const h = createHarness({ endSessionEndpoint: `${site}/custom/logout` });
    await signIn(h);

    await h.client.logout();

    assert.equal(new URL(h.navigations.at(-1) ?? '').pathname, '/custom/logout');
    assert.equal(h.server.callsTo('/.well-known/openid-configuration').length, 0);
    // No post-logout redirect URI: no state to check, Keycard shows its own signed-out page.
    assert.deepEqual([...new URL(h.navigations.at(-1) ?? '').searchParams.keys()], ['client_id']);
  });

  it('logout_SignedOutAlready_StillEndsTheServerSession', async () => {
    const h = openIdHarness();

    await h.client.logout();

    assert.equal(h.navigations.length, 1);
    assert.equal(new URL(h.navigations[0] ?? '').searchParams.get('id_token_hint'), null);
  });

  for (const [name, overrides, logoutOptions] of [
    ['EndSessionEndpointNull', { endSessionEndpoint: null }, {}],
    ['EndSessionFalse', {}, { endSession: false }],
  ] as const) {
    it(`logout_${name}_OnlyRevokes`, async () => {
      const h = openIdHarness(overrides);
      await signInWithOpenId(h);

      await h.client.logout(logoutOptions);

      assert.equal(h.server.callsTo('/oauth2/revoke').length, 2);
      assert.equal(h.navigations.length, 1, 'only the sign-in navigated');
    });
  }

  it('logout_NoOpenIdDiscovery_OnlyRevokes', async () => {
    const h = createHarness({ postLogoutRedirectUri });
    await signIn(h);

    await h.client.logout();

    assert.equal(h.navigations.length, 1);
    assert.equal(h.session.getItem(`keycard:${clientId}:logout`), null);
  });
});

describe('buildEndSessionUrl and validateIdToken', () => {
  it('buildEndSessionUrl_StateWithoutRedirect_IsLeftOut', () => {
    const url = new URL(buildEndSessionUrl({ endSessionEndpoint: `${site}/logout?x=1`, clientId, state: 's' }));

    assert.deepEqual([...url.searchParams.entries()], [['x', '1'], ['client_id', clientId]]);
  });

  it('validateIdToken_WithinClockTolerance_IsAccepted', () => {
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = 1_700_000_000_000;
    const token = `${encode({ alg: 'RS256' })}.${encode({ iss: site, sub: '1', aud: [clientId], exp: now / 1000 - 30, iat: now / 1000 + 30 })}.x`;

    assert.equal(validateIdToken(token, { issuer: site, clientId, nonce: null, now }).sub, '1');
  });
});
