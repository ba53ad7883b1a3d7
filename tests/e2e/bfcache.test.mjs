// The back/forward cache and a live location watch (issue 20, item 6; SPEC "Pages that come back"): a page that
// comes back from the cache (`pageshow` with `persisted`) registers its tracks and watches again, so a revocation
// after it stops them, and a revocation made while it was away stops them when it comes back.
//
// Chromium here, started by the test (ownChromium), with the test's own pages (tests/e2e/pages/*.bfcache.html,
// which the server sends without `Cache-Control: no-store`, so they may be cached). Each test asserts that the page
// really came back from the cache, and names Chromium's reasons where it did not. Moves of the position come from
// DevTools (context.setGeolocation), which a live watch hears.
import {
  assert, assertEqual, choice, ownChromium, setPermission, until, waitPrePrompt, watchProblems,
} from './lib.mjs';

export async function before(env, shared) {
  shared.own = await ownChromium();
}

export async function after(env, shared) {
  await shared.own?.stop();
}

async function openWatch(env, shared) {
  const context = shared.own.browser.contexts()[0];
  const page = watchProblems(await context.newPage());
  await page.goto(`${env.base}/e2e/watch.bfcache.html`);
  await page.waitForSelector('html[data-ready="true"]');
  return { context, page };
}

/** "Allow this time" for location, the browser's own answer set to granted (headless would deny its prompt). */
async function allowOnce(page) {
  await setPermission(page, 'geolocation', 'prompt'); // as a site the browser has not been asked for
  await page.click('#ask');
  await waitPrePrompt(page, 'geolocation');
  await setPermission(page, 'geolocation', 'granted');
  await page.click(choice('allow-once'));
  await page.waitForSelector('html[data-geolocation="granted"]');
}

/** The watch page, "Allow this time" for location, and a watch of the library that heard its first position. */
async function watching(env, shared, latitude) {
  const { context, page } = await openWatch(env, shared);
  await allowOnce(page);
  await context.setGeolocation({ latitude, longitude: latitude, accuracy: 10 });
  await page.evaluate(() => { window.watching = window.startWatch(); });
  await until('the first position', async () => (await positions(page)).includes(`${latitude},${latitude}`), { timeout: 5000 });
  return { context, page };
}

const state = (page) => page.evaluate(async () => (await window.jit.query({ name: 'geolocation' })).state);
const positions = (page) => page.evaluate(() => window.positions.slice());

/** Moves the position and waits until the watch heard it. */
async function heard(context, page, latitude) {
  await context.setGeolocation({ latitude, longitude: latitude, accuracy: 10 });
  await until(`the watch to hear ${latitude},${latitude}`, async () => (await positions(page)).includes(`${latitude},${latitude}`), { timeout: 5000 });
}

/** Moves the position and checks, 2 s later, that the watch heard nothing more. */
async function notHeard(context, page, latitude, what) {
  const before = (await positions(page)).length;
  await context.setGeolocation({ latitude, longitude: latitude, accuracy: 10 });
  await new Promise((r) => setTimeout(r, 2000));
  const now = await positions(page);
  assertEqual(JSON.stringify(now.slice(before)), '[]', `what the watch heard after ${what}`);
}

/** To another page of the site and back; asserts that the page came back from the back/forward cache. */
async function awayAndBack(page, env, query = '') {
  await page.goto(`${env.base}/e2e/away.bfcache.html${query}`);
  await page.waitForSelector('html[data-role="away"][data-ready="true"]');
  // A page restored from the cache fires no `load`: wait for the navigation to commit, then for its pageshow.
  await page.goBack({ waitUntil: 'commit' });
  await page.waitForSelector('html[data-role="watch"][data-ready="true"]');
  await until('pageshow', () => page.evaluate(() => window.shows.length > 0), { timeout: 5000 });
  const restored = await page.evaluate(() => window.shows.at(-1) === true);
  const reasons = restored ? '' : await page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0]?.notRestoredReasons ?? null));
  assert(restored, `Chromium loaded the page anew instead of from its back/forward cache: notRestoredReasons ${reasons}`);
}

export const tests = [
  {
    name: 'back from the back/forward cache, a live location watch is the page\'s use again: a revocation after it stops the watch',
    timeout: 60000,
    async fn(env, shared) {
      const { context, page } = await watching(env, shared, 1);

      await awayAndBack(page, env);
      assertEqual(await state(page), 'granted', 'location after the page came back (the one-time grant holds within the site)');
      await heard(context, page, 2);
      await page.evaluate(() => window.jit.revoke({ name: 'geolocation' }));
      assertEqual(await state(page), 'prompt', 'location after Revoke');
      await notHeard(context, page, 3, 'Revoke');
      assert(page.problems.length === 0, `the page reported problems: ${page.problems.join(' | ')}`);
      await page.close();
    },
  },
  {
    name: 'a revocation by another page of the site while this one was in the back/forward cache stops its watch when it comes back',
    timeout: 60000,
    async fn(env, shared) {
      const { context, page } = await watching(env, shared, 4);

      await awayAndBack(page, env, '?revoke');
      assertEqual(await state(page), 'prompt', 'location after the other page revoked it');
      await notHeard(context, page, 5, 'the other page\'s Revoke');
      assert(page.problems.length === 0, `the page reported problems: ${page.problems.join(' | ')}`);
      await page.close();
    },
  },
];
