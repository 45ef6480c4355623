// Writes docs/images/demo.png: the demo app signed in, showing users/me and the token's countdown.
// Needs what the tests need (Chromium, a built server): `npm run screenshot`.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, newContext } from './lib/chromium.js';
import { startKeycard } from './lib/keycard.js';
import { signInThroughDemo } from './lib/flows.js';

const output = fileURLToPath(new URL('../../docs/images/demo.png', import.meta.url));
const server = await startKeycard();
const browser = await launchChromium();
try {
  const { context, problems } = await newContext(browser, { viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  const page = await context.newPage();
  await signInThroughDemo(page, server.baseUrl);
  await page.waitForTimeout(1_200); // let the countdown move off its first value
  mkdirSync(fileURLToPath(new URL('../../docs/images/', import.meta.url)), { recursive: true });
  await page.screenshot({ path: output, fullPage: true });
  if (problems.length > 0) throw new Error(`the demo reported problems:\n${problems.join('\n')}`);
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await server.stop();
}
