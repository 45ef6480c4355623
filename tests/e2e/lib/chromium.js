// Debian's Chromium (installed by scripts/chromium.sh), driven by playwright-core over CDP.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Headless Chromium; playwright gives every launch a fresh temporary user data dir and deletes it on close. */
export async function launchChromium() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: run scripts/chromium.sh (as root) first`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * A new browser context (own cookies and storage) whose pages fail fast: every wait is bounded.
 * `problems` collects console errors, uncaught page errors and CSP violations of every page in it.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const problems = [];
  const watch = (page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) {
        problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught ${error.message}`));
  };
  context.on('page', watch);
  return { context, problems };
}

/** Starts Keycard (see keycard.js) and Chromium side by side; if either fails, stops the other. */
export async function startKeycardAndChromium(startKeycard, settings) {
  const [server, browser] = await Promise.allSettled([startKeycard(settings), launchChromium()]);
  if (server.status === 'fulfilled' && browser.status === 'fulfilled') {
    return { server: server.value, browser: browser.value };
  }
  if (server.status === 'fulfilled') await server.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw server.status === 'rejected' ? server.reason : browser.reason;
}
