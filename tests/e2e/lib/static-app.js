// A tiny static web app on 127.0.0.1 (another origin than Keycard): the pages of oidc-app/ and the browser build of
// oidc-client-ts from node_modules, with the app's settings (Keycard's URL, the client) in /settings.js.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const files = {
  '/index.html': new URL('../oidc-app/index.html', import.meta.url),
  '/callback.html': new URL('../oidc-app/callback.html', import.meta.url),
  '/signed-out.html': new URL('../oidc-app/signed-out.html', import.meta.url),
  '/app.js': new URL('../oidc-app/app.js', import.meta.url),
  '/oidc-client-ts.js': new URL('../node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js', import.meta.url),
};

/** Starts the app on a free 127.0.0.1 port; `settings(baseUrl)` becomes `window.appSettings`. */
export async function startStaticApp(settings) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://127.0.0.1').pathname;
    if (path === '/settings.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(`window.appSettings = ${JSON.stringify(settings(baseUrl))};\n`);
      return;
    }
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const file = files[path === '/' ? '/index.html' : path];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8';
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  return {
    baseUrl,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
