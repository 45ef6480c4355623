// oauth4webapi is a strict standards client: it checks content types, the issuer, RFC 9207 `iss`, token
// response members and error bodies. Every failure here is a Keycard bug, never a reason to special-case it.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as oauth from 'oauth4webapi'
import { Browser, startKeycard } from '../support/keycard.js'

// Keycard runs on plain http, on loopback only; oauth4webapi refuses http unless told.
const insecure = { [oauth.allowInsecureRequests]: true }

describe('oauth4webapi against keycard serve', () => {
  let keycard
  let as

  before(async () => {
    keycard = await startKeycard()
    const issuer = new URL(keycard.base)
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }))
  })

  after(async () => {
    await keycard?.stop()
  })

  test('discovery: RFC 8414 metadata with the issuer the client expects', () => {
    assert.equal(as.issuer, keycard.base)
    assert.equal(as.token_endpoint, `${keycard.base}/oauth2/token`)
    assert.deepEqual(as.code_challenge_methods_supported, ['S256'])
    assert.equal(as.authorization_response_iss_parameter_supported, true)
  })

  async function codeFlow (client, clientAuth) {
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const url = new URL(as.authorization_endpoint)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: keycard.redirectUri,
      scope: 'email profile',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256'
    })
    const callback = await new Browser().authorize(url)
    // Checks state and, since the metadata says so, RFC 9207 `iss`.
    const params = oauth.validateAuthResponse(as, client, callback, state)
    const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, keycard.redirectUri, verifier, insecure)
    return oauth.processAuthorizationCodeResponse(as, client, response)
  }

  test('public client: PKCE code flow, refresh with narrower scope, revocation', async () => {
    const client = { client_id: keycard.spa.client_id }
    const none = oauth.None()
    const tokens = await codeFlow(client, none)
    assert.equal(tokens.token_type, 'bearer')
    assert.equal(tokens.expires_in, 3600)
    assert.equal(tokens.scope, 'email profile')

    const refreshed = await oauth.processRefreshTokenResponse(as, client,
      await oauth.refreshTokenGrantRequest(as, client, none, tokens.refresh_token, { ...insecure, additionalParameters: { scope: 'email' } }))
    assert.equal(refreshed.scope, 'email')
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token)

    const me = await oauth.protectedResourceRequest(refreshed.access_token, 'GET', new URL(`${keycard.base}/external/api/rest/v2/users/me`), undefined, undefined, insecure)
    assert.equal(me.status, 200)
    assert.equal((await me.json()).userName, 'alice')

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, none, refreshed.refresh_token, { ...insecure, additionalParameters: { token_type_hint: 'refresh_token' } }))
    await assert.rejects(
      oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, none, refreshed.refresh_token, insecure)),
      err => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant' && err.status === 400)
  })

  test('confidential client: client_secret_basic code flow, introspection, revocation', async () => {
    const client = { client_id: keycard.web.client_id }
    const basic = oauth.ClientSecretBasic(keycard.web.client_secret)
    const tokens = await codeFlow(client, basic)

    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, basic, tokens.access_token, insecure))
    assert.equal(active.active, true)
    assert.equal(active.client_id, 'js-web')
    assert.equal(active.username, 'alice')
    assert.equal(active.scope, 'email profile')

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, basic, tokens.access_token, insecure))
    const revoked = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, basic, tokens.access_token, insecure))
    assert.equal(revoked.active, false)
  })

  test('confidential client: client_secret_post client credentials grant', async () => {
    const client = { client_id: keycard.web.client_id }
    const post = oauth.ClientSecretPost(keycard.web.client_secret)
    const response = await oauth.clientCredentialsGrantRequest(as, client, post, new URLSearchParams({ scope: 'reports' }), insecure)
    const tokens = await oauth.processClientCredentialsResponse(as, client, response)
    assert.equal(tokens.scope, 'reports')
    assert.equal(tokens.refresh_token, undefined)
  })

  test('wrong client secret: 401 invalid_client with a Basic challenge', async () => {
    const client = { client_id: keycard.web.client_id }
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('wrong'), new URLSearchParams(), insecure)
    assert.equal(response.status, 401)
    assert.equal(response.headers.get('www-authenticate'), 'Basic realm="keycard"')
    await assert.rejects(oauth.processClientCredentialsResponse(as, client, response), err => err.status === 401)
  })
})
