// A one-time grant across the demo's two pages, reloads and the end of a visit (issue 11, SPEC "One-time grants" 1),
// in Chromium: "Allow this time" on the tasks page; a reload and a link to "Your account" keep it (the camera opens
// with no second question and the panel shows the same grant); closing the only page and opening the site fresh,
// at once or 5 s later, or leaving for another origin and coming back by URL, ends it (the pre-prompt shows again).
// Camera answers come from --auto-accept-camera-and-microphone-capture, so the browser's own query says prompt:
// the library reports the grant once a call in the page succeeds (evidence of access is per page).
import {
  MEDIA_ARGS, PRE_PROMPT, assert, assertEqual, choice, launch, newPage, openDemo, until, waitBadge, waitPanelRow,
  waitPrePrompt, waitPrePromptClosed,
} from './lib.mjs';

export async function before(env, shared) {
  shared.browser = await launch(MEDIA_ARGS);
}

export async function after(env, shared) {
  await shared.browser?.close();
}

/** Counts the pre-prompts that appear in `page` from now on. */
async function countPrePrompts(page) {
  await page.evaluate((sel) => {
    window.__prePrompts = 0;
    let open = false;
    new MutationObserver(() => {
      const now = Boolean(document.querySelector(sel));
      if (now && !open) window.__prePrompts++;
      open = now;
    }).observe(document.body, { childList: true, subtree: true });
  }, PRE_PROMPT);
  return () => page.evaluate(() => window.__prePrompts);
}

/** The tasks page's camera: opens it, answers the pre-prompt with `answer` if one shows, closes it again. */
async function useCamera(page, answer = null) {
  const shown = await countPrePrompts(page);
  await page.click('button[data-action="camera-start"]');
  if (answer) {
    await waitPrePrompt(page, 'camera');
    await page.click(choice(answer));
    await waitPrePromptClosed(page);
  }
  await page.waitForSelector('.card[data-capability="camera"][data-task="streaming"]', { timeout: 10000 });
  await page.click('button[data-action="camera-stop"]');
  return shown();
}

async function grantedOnce(page) {
  const status = await page.evaluate(async () => {
    const s = await window.jitDemo.permissions.query({ name: 'camera' });
    return s.toJSON();
  });
  assertEqual(status.state, 'granted', 'camera state');
  assertEqual(status.grant, 'one-time', 'camera grant');
  return status;
}

/** A new tab of the site, opened fresh (as a typed address or a bookmark would). */
async function freshTab(context, base, path = '/demo/') {
  const page = await context.newPage();
  await page.goto(`${base}${path}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
  return page;
}

async function asksAgain(page) {
  const shown = await countPrePrompts(page);
  await page.click('button[data-action="camera-start"]');
  await waitPrePrompt(page, 'camera');
  await page.click(choice('dismiss'));
  await waitPrePromptClosed(page);
  assert((await shown()) > 0, 'no pre-prompt: the one-time grant outlived the visit');
  const stored = await page.evaluate(() => localStorage.getItem('jit-permissions'));
  assert(/\|cx/.test(stored || ''), `the grant is not stored as ended: ${stored}`);
}

export const tests = [
  {
    name: 'Allow this time carries over a reload and a link to the second page: no second question, the same grant in the panel',
    timeout: 60000,
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      assertEqual(await useCamera(page, 'allow-once'), 1, 'pre-prompts for the first use');
      const first = await grantedOnce(page);

      await page.reload();
      await page.waitForSelector('html[data-ready="true"]');
      assertEqual(await useCamera(page), 0, 'pre-prompts after a reload');
      assertEqual((await grantedOnce(page)).expiresAt, first.expiresAt, 'the same grant after the reload');

      await page.click('.site-nav a[href="account.html"]');
      await page.waitForSelector('html[data-ready="true"]');
      assert(page.url().endsWith('/demo/account.html'), `on the account page: ${page.url()}`);
      const shown = await countPrePrompts(page);
      await page.click('button[data-action="camera-start"]');
      await until('the camera to open on the account page', () => page.$eval('#camera-video', (v) => v.srcObject !== null));
      assertEqual(await shown(), 0, 'pre-prompts on the second page');
      await waitBadge(page, 'camera', 'granted', 'one-time');
      await waitPanelRow(page, 'camera', { state: 'granted', grant: 'one-time' });
      assertEqual((await grantedOnce(page)).expiresAt, first.expiresAt, 'the same grant on the second page');
      await env.shot(page, 'navigation-01-account-page-carried-grant.png', { fullPage: true });
      await page.click('button[data-action="camera-stop"]');

      await page.click('.site-nav a[href="./"]');
      await page.waitForSelector('html[data-ready="true"]');
      assertEqual(await useCamera(page), 0, 'pre-prompts back on the tasks page');
      await context.close();
    },
  },
  {
    name: 'closing the only page and opening the site fresh ends the grant, at once or 5 s later',
    timeout: 60000,
    async fn(env, shared) {
      for (const wait of [0, 5000]) {
        const { context, page } = await newPage(shared.browser);
        await openDemo(page, env.base);
        await useCamera(page, 'allow-once');
        await grantedOnce(page);
        await page.close({ runBeforeUnload: false });
        await new Promise((r) => setTimeout(r, wait));
        const again = await freshTab(context, env.base);
        await asksAgain(again);
        await context.close();
      }
    },
  },
  {
    name: 'leaving for another origin and coming back by URL ends the grant',
    timeout: 60000,
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      await useCamera(page, 'allow-once');
      await grantedOnce(page);
      const other = new URL(env.base);
      other.hostname = 'localhost';
      await page.goto(`${other.origin}/demo/img/favicon.svg`);
      await page.goto(`${env.base}/demo/`);
      await page.waitForSelector('html[data-ready="true"]');
      await asksAgain(page);
      await context.close();
    },
  },
];
