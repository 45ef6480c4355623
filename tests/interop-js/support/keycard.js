// Starts a real `keycard serve` through the shared helper (tests/Shared/keycard.js) with the interop users and
// clients, and plays the browser part of the authorization code flow (the sign-in form) with plain fetch.
import { startKeycard as startShared } from '../../Shared/keycard.js'

export const USER = 'alice'
export const PASSWORD = 'interop password 0123456789'

/** Keycard (built first if needed) with alice, a public client js-spa and a confidential client js-web. */
export async function startKeycard () {
  let redirectUri, spa, web
  const server = await startShared({
    build: true,
    prepare ({ cli, baseUrl }) {
      redirectUri = `${baseUrl}/app/callback`
      cli(['user', 'add', USER, '--email', 'alice@example.com', '--first-name', 'Alice', '--last-name', 'Liddell', '--password-stdin'], PASSWORD + '\n')
      spa = JSON.parse(cli(['client', 'add', 'js-spa', '--redirect-uri', redirectUri, '--json']))
      web = JSON.parse(cli(['client', 'add', 'js-web', '--confidential', '--allow-client-credentials', '--redirect-uri', redirectUri, '--json']))
    }
  })
  return { base: server.baseUrl, redirectUri, spa, web, stop: () => server.stop() }
}

/**
 * Keycard with alice and a public OpenID Connect client js-oidc whose post-logout redirect URI is registered
 * (OpenID Connect RP-Initiated Logout 1.0 §3), for the openid-client suite.
 */
export async function startKeycardForOpenId () {
  let redirectUri, postLogoutRedirectUri
  const server = await startShared({
    build: true,
    prepare ({ cli, baseUrl }) {
      redirectUri = `${baseUrl}/app/callback`
      postLogoutRedirectUri = `${baseUrl}/app/signed-out`
      cli(['user', 'add', USER, '--email', 'alice@example.com', '--first-name', 'Alice', '--last-name', 'Liddell', '--password-stdin'], PASSWORD + '\n')
      cli(['client', 'add', 'js-oidc', '--redirect-uri', redirectUri, '--post-logout-redirect-uri', postLogoutRedirectUri, '--json'])
    }
  })
  return { base: server.baseUrl, redirectUri, postLogoutRedirectUri, clientId: 'js-oidc', stop: () => server.stop() }
}

/** A browser: cookies kept per run, redirects not followed, the sign-in form filled in. */
export class Browser {
  #cookies = new Map()

  async fetch (url, init = {}) {
    const headers = new Headers(init.headers)
    if (this.#cookies.size > 0) headers.set('cookie', [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair.indexOf('=')
      this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
    return response
  }

  /**
   * Opens the authorization URL: `{ form: true }` when Keycard shows the sign-in form, else `{ form: false, location }`
   * where it sent the browser at once (a sign-in session still alive).
   */
  async open (authorizationUrl) {
    const page = await this.fetch(authorizationUrl)
    if (page.status === 200 && /name="password"/.test(await page.clone().text())) return { form: true, page }
    if (page.status >= 300 && page.status < 400) return { form: false, location: new URL(page.headers.get('location'), authorizationUrl) }
    throw new Error(`authorize answered ${page.status}: ${await page.text()}`)
  }

  /** Opens the authorization URL, signs in, and returns where Keycard redirects the browser. */
  async authorize (authorizationUrl, password = PASSWORD) {
    const page = await this.fetch(authorizationUrl)
    if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${await page.text()}`)
    const html = await page.text()
    const action = decodeHtml(html.match(/<form method="post" action="([^"]*)"/)?.[1] ?? '')
    const csrf = decodeHtml(html.match(/name="__keycard_csrf" value="([^"]*)"/)?.[1] ?? '')
    if (!action || !csrf) throw new Error('no sign-in form on the authorize page')
    const posted = await this.fetch(new URL(action, authorizationUrl), {
      method: 'POST',
      body: new URLSearchParams({ __keycard_csrf: csrf, username: USER, password })
    })
    if (posted.status !== 303) throw new Error(`sign-in answered ${posted.status}`)
    return new URL(posted.headers.get('location'))
  }
}

function decodeHtml (text) {
  return text.replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
}
