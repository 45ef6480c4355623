// Starts a real `keycard serve` on a free 127.0.0.1 port with its own SQLite file, and plays the browser part
// of the authorization code flow (the sign-in form) with plain fetch.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const USER = 'alice'
export const PASSWORD = 'interop password 0123456789'

/** The keycard binary: $KEYCARD_BIN, or the one `dotnet build` leaves (an up-to-date build is a no-op). */
function keycardBinary () {
  if (process.env.KEYCARD_BIN) return process.env.KEYCARD_BIN
  const configuration = process.env.KEYCARD_CONFIGURATION ?? 'Release'
  execFileSync('dotnet', ['build', join(repo, 'src/Keycard.Server/Keycard.Server.csproj'), '-c', configuration, '--nologo', '-v', 'q'], { stdio: 'inherit' })
  const binary = join(repo, 'src/Keycard.Server/bin', configuration, 'net10.0', process.platform === 'win32' ? 'keycard.exe' : 'keycard')
  if (!existsSync(binary) || !statSync(binary).isFile()) throw new Error(`keycard was not built at ${binary}`)
  return binary
}

function freePort () {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

export async function startKeycard () {
  const binary = keycardBinary()
  const folder = mkdtempSync(join(tmpdir(), 'keycard-interop-js-'))
  const database = join(folder, 'keycard.db')
  const cli = (args, input) => execFileSync(binary, [...args, '--database', database], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'] })

  cli(['user', 'add', USER, '--email', 'alice@example.com', '--first-name', 'Alice', '--last-name', 'Liddell', '--password-stdin'], PASSWORD + '\n')
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const redirectUri = `${base}/app/callback`
  const spa = JSON.parse(cli(['client', 'add', 'js-spa', '--redirect-uri', redirectUri, '--json']))
  const web = JSON.parse(cli(['client', 'add', 'js-web', '--confidential', '--allow-client-credentials', '--redirect-uri', redirectUri, '--json']))

  const server = spawn(binary, ['serve', '--urls', base, '--database', database], { stdio: ['ignore', 'pipe', 'inherit'] })
  let exited = false
  server.on('exit', () => { exited = true })
  server.stdout.resume()

  const deadline = Date.now() + 30_000
  for (;;) {
    if (exited) throw new Error('keycard serve exited before it answered')
    try {
      const health = await fetch(`${base}/healthz`)
      if (health.ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error('keycard serve did not answer within 30 s')
    await new Promise(resolveWait => setTimeout(resolveWait, 200))
  }

  return {
    base,
    redirectUri,
    spa,
    web,
    async stop () {
      if (!exited) {
        const done = new Promise(resolveExit => server.once('exit', resolveExit))
        server.kill('SIGTERM')
        await done
      }
      rmSync(folder, { recursive: true, force: true })
    }
  }
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
