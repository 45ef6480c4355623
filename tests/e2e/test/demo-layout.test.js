// The demo page's layout in each state at several widths, and the login page's focus after a mistake, in real Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newContext, startKeycardAndChromium } from '../lib/chromium.js';
import { demoLoginUrl, signInThroughDemo } from '../lib/flows.js';
import { demoUser, startKeycard } from '../lib/keycard.js';

const widths = [375, 900, 1024, 1280, 1440];

let server;
let browser;

before(async () => {
  ({ server, browser } = await startKeycardAndChromium(startKeycard, {}));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Everything that sticks out: a card wider than its column or over the other column, an element outside its card
 * (unless a scrolling box inside the card clips it), and a page wider than the window.
 */
function findOverflows(page) {
  return page.evaluate(() => {
    const problems = [];
    const tolerance = 0.5;
    const clips = (element) => getComputedStyle(element).overflowX !== 'visible';
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    const columns = [...document.querySelectorAll('.layout > .column')];
    columns.forEach((column, index) => {
      const box = column.getBoundingClientRect();
      for (const card of column.querySelectorAll('.card')) {
        const c = card.getBoundingClientRect();
        // A hidden card (the ID token card while signed out) takes no space.
        if (c.width === 0) continue;
        const name = card.querySelector('h2')?.textContent?.trim() ?? card.id;
        if (c.right > box.right + tolerance || c.left < box.left - tolerance) {
          problems.push(`card "${name}" (${c.left}-${c.right}) outside column ${index} (${box.left}-${box.right})`);
        }
        for (const element of card.querySelectorAll('*')) {
          let clipped = false;
          for (let parent = element.parentElement; parent && parent !== card; parent = parent.parentElement) {
            if (clips(parent)) clipped = true;
          }
          const r = element.getBoundingClientRect();
          if (clipped || r.width === 0) continue;
          if (r.right > c.right + tolerance || r.left < c.left - tolerance) {
            problems.push(`<${element.tagName.toLowerCase()} id="${element.id}" class="${element.className}"> (${r.left}-${r.right}) outside card "${name}" (${c.left}-${c.right})`);
          }
        }
      }
    });
    return problems;
  });
}

async function assertNoOverflowAtEveryWidth(page, state) {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    const problems = await findOverflows(page);
    assert.deepEqual(problems, [], `${state} at ${width} px`);
  }
}

describe('demo layout', () => {
  it('demoPage_SignedOutSignedInAndAfterSignOut_NoElementOverflowsItsCard', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/demo/`);
      await page.locator('#status', { hasText: 'Signed out' }).waitFor();
      await assertNoOverflowAtEveryWidth(page, 'signed out');

      // OpenID Connect, the demo's default: the ID token and userinfo card too.
      await signInThroughDemo(page, server.baseUrl, demoUser, 'openid');
      await page.locator('#userinfo-status', { hasText: 'HTTP 200' }).waitFor();
      await assertNoOverflowAtEveryWidth(page, 'signed in');

      await page.locator('#call-api').click();
      await page.locator('#log li').nth(3).waitFor();
      await assertNoOverflowAtEveryWidth(page, 'after calling the API');

      // Sign out goes through Keycard's end_session endpoint and back.
      await page.locator('#sign-out').click();
      await page.locator('#signed-out-notice').waitFor();
      await assertNoOverflowAtEveryWidth(page, 'after sign-out');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('loginPage_AfterAWrongPassword_FocusesThePasswordField', async () => {
    const { context, problems } = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(demoLoginUrl(server.baseUrl));
      await expectFocusOn(page, 'username');

      await page.locator('#username').fill(demoUser.userName);
      await page.locator('#password').fill('not-the-password');
      await Promise.all([page.waitForLoadState('load'), page.locator('button[type=submit]').click()]);
      await page.locator('[role=alert]').waitFor();

      assert.equal(await page.locator('#username').inputValue(), demoUser.userName);
      await expectFocusOn(page, 'password');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

// The login page marks its field `autofocus`; Chromium applies that focus on a later task than the load event `goto`
// waits for, so an immediate read can still find <body>. Wait for the focus (up to 5 s), then fail naming what had it.
async function expectFocusOn(page, id) {
  try {
    await page.waitForFunction((expected) => document.activeElement?.id === expected, id, { timeout: 5000 });
  } catch {
    // Fall through to the assert below, which names what had focus.
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), id);
}
