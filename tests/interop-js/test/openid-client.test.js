// openid-client (panva's certified OpenID Connect Relying Party library) against a real `keycard serve`: discovery,
// the authorization code flow with PKCE and nonce, the ID token checked by the library (claims and, with
// non-repudiation checks on, the signature against Keycard's JWKS), userinfo, refresh with a new ID token, and
// RP-initiated logout that ends Keycard's sign-in session. Every failure here is a Keycard bug.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as client from 'openid-client'
import { Browser, USER, startKeycardForOpenId } from '../support/keycard.js'

describe('openid-client against keycard serve', () => {
  let keycard
  let config

  before(async () => {
    keycard = await startKeycardForOpenId()
    // Keycard runs on plain http, on loopback only; openid-client refuses http unless told.
    config = await client.discovery(new URL(keycard.base), keycard.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests]
    })
    // The ID token's signature is checked against jwks_uri too, not only its claims.
    client.enableNonRepudiationChecks(config)
  })

  after(async () => {
    await keycard?.stop()
  })

  /** A sign-in through the browser: PKCE, state and nonce, the code redeemed and the ID token checked by the library. */
  async function signIn (browser, scope = 'openid profile email') {
    const codeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: keycard.redirectUri,
      scope,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256'
    })
    const callback = await browser.authorize(url)
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true
    })
    return { tokens, nonce }
  }

  function authorizationUrl () {
    return client.buildAuthorizationUrl(config, {
      redirect_uri: keycard.redirectUri,
      scope: 'openid',
      state: client.randomState(),
      nonce: client.randomNonce(),
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256'
    })
  }

  test('discovery: the OpenID Provider metadata a relying party needs', () => {
    const metadata = config.serverMetadata()
    assert.equal(metadata.issuer, keycard.base)
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint']) {
      assert.ok(metadata[endpoint]?.startsWith(`${keycard.base}/`), `${endpoint}: ${metadata[endpoint]}`)
    }
    assert.ok(metadata.scopes_supported.includes('openid'))
    assert.ok(metadata.response_types_supported.includes('code'))
    assert.ok(metadata.id_token_signing_alg_values_supported.includes('RS256'))
    assert.ok(metadata.subject_types_supported.includes('public'))
    assert.ok(metadata.code_challenge_methods_supported.includes('S256'))
  })

  test('code + PKCE + nonce: an ID token the library accepts, naming alice', async () => {
    const { tokens, nonce } = await signIn(new Browser())

    const claims = tokens.claims()
    assert.equal(claims.iss, keycard.base)
    assert.deepEqual([claims.aud].flat(), [keycard.clientId])
    assert.equal(claims.nonce, nonce)
    assert.match(claims.sub, /^\S+$/)
    assert.equal(typeof claims.auth_time, 'number')
    assert.ok(claims.exp > Date.now() / 1000)
    assert.equal(tokens.token_type.toLowerCase(), 'bearer')
    assert.ok(tokens.refresh_token)
  })

  test('a replayed ID token (another nonce expected) is refused by the library', async () => {
    const browser = new Browser()
    const codeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: keycard.redirectUri,
      scope: 'openid',
      state,
      nonce: client.randomNonce(),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256'
    })
    const callback = await browser.authorize(url)

    await assert.rejects(client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: client.randomNonce(), idTokenExpected: true
    }), (error) => /"nonce" claim/.test(error.cause?.message ?? ''))
  })

  test('userinfo: the standard claims for profile and email, for the ID token\'s sub', async () => {
    const { tokens } = await signIn(new Browser())
    const sub = tokens.claims().sub

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub)

    assert.equal(userinfo.sub, sub)
    assert.equal(userinfo.preferred_username, USER)
    assert.equal(userinfo.email, 'alice@example.com')
    assert.equal(userinfo.given_name, 'Alice')
    assert.equal(userinfo.family_name, 'Liddell')
    assert.equal(typeof userinfo.name, 'string')
  })

  test('refresh: new tokens and a new ID token for the same user', async () => {
    const { tokens } = await signIn(new Browser())

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)

    assert.notEqual(refreshed.access_token, tokens.access_token)
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token)
    assert.ok(refreshed.id_token, 'OpenID Connect Core §12.2: a refresh of an openid grant returns an ID token')
    assert.notEqual(refreshed.id_token, tokens.id_token)
    assert.equal(refreshed.claims().sub, tokens.claims().sub)
    assert.equal(refreshed.claims().auth_time, tokens.claims().auth_time)
    const userinfo = await client.fetchUserInfo(config, refreshed.access_token, tokens.claims().sub)
    assert.equal(userinfo.preferred_username, USER)
  })

  test('logout: buildEndSessionUrl ends the sign-in session; the next authorize shows the form', async () => {
    const browser = new Browser()
    const { tokens } = await signIn(browser)
    // While the session lasts, authorize answers at once, without the form.
    const resumed = await browser.open(authorizationUrl())
    assert.equal(resumed.form, false)
    assert.equal(resumed.location.origin + resumed.location.pathname, keycard.redirectUri)
    assert.ok(resumed.location.searchParams.get('code'))

    const state = client.randomState()
    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: keycard.postLogoutRedirectUri,
      state
    })
    const answer = await browser.fetch(logoutUrl)

    assert.ok([302, 303].includes(answer.status), `end_session answered ${answer.status}: ${await answer.text()}`)
    const back = new URL(answer.headers.get('location'), logoutUrl)
    assert.equal(back.origin + back.pathname, keycard.postLogoutRedirectUri)
    assert.equal(back.searchParams.get('state'), state)
    const again = await browser.open(authorizationUrl())
    assert.equal(again.form, true, 'after logout, signing in asks for the password again')
  })
})
