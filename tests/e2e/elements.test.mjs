// The demo's capability elements (issue 14): <jit-geolocation> on the location card and <jit-usermedia> on the
// video-call card, clicked for real, with screenshots:
//   Chromium (Playwright, trusted CDP input): the browser's own <geolocation> and <usermedia> inside the elements
//     (Chromium 144+ / 151+ define HTMLGeolocationElement and HTMLUserMediaElement; measured with Debian's 156), and
//     the library's own button in the same Chromium with those interfaces hidden before the page's scripts run
//     (a stand-in for a browser without them).
//   Firefox (geckodriver, real WebDriver clicks): the library's own button, which is what Firefox runs.
// Location: Playwright's context geolocation in Chromium; Firefox's network location provider pointed at a data: URL.
import { By } from 'selenium-webdriver';
import {
  MEDIA_ARGS, assert, assertEqual, axe, choice, formatViolations, launch, newPage, openDemo, setPermission, until,
  waitBadge, waitPrePrompt, waitPrePromptClosed,
} from './lib.mjs';
import { startFirefox, openDemo as openDemoFirefox, shot as shotFirefox, choose as chooseFirefox, prePrompt as prePromptFirefox } from './firefox.test.mjs';

const GEO = { latitude: 48.8566, longitude: 2.3522, accuracy: 50 };
const HIDE_NATIVE = () => {
  for (const name of ['HTMLGeolocationElement', 'HTMLUserMediaElement', 'HTMLCameraElement', 'HTMLMicrophoneElement']) delete window[name];
};

export async function before(env, shared) {
  shared.browser = await launch(MEDIA_ARGS);
}

export async function after(env, shared) {
  await shared.browser?.close();
  await shared.firefox?.quit();
}

/** What renders inside an element's shadow root: the browser's element's name, or 'button'. */
const inside = (page, id) => page.$eval(id, (el) => el.shadowRoot.firstElementChild?.localName ?? null);
async function waitValid(page, id) {
  await page.waitForFunction((s) => document.querySelector(s)?.isValid === true, id, { timeout: 5000 }).catch(async (e) => {
    const why = await page.$eval(id, (el) => `isValid ${el.isValid}, invalidReason '${el.invalidReason}'`);
    throw new Error(`${id} not valid: ${why}`);
  });
}
const text = (page, sel) => page.$eval(sel, (e) => e.textContent);

export const tests = [
  {
    name: 'Chromium: <jit-geolocation> runs the browser\'s <geolocation>; a real click gives the position',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser, { geolocation: GEO });
      await openDemo(page, env.base);
      const native = await page.evaluate(() => typeof window.HTMLGeolocationElement === 'function');
      assert(native, 'this Chromium has no HTMLGeolocationElement (expected from 144 on)');
      assertEqual(await inside(page, '#where-am-i'), 'geolocation', 'inside <jit-geolocation>');
      await setPermission(page, 'geolocation', 'granted');
      await page.$eval('#where-am-i', (el) => el.scrollIntoView({ block: 'center' }));
      await page.waitForTimeout(600); // the browser's element counts no click within 500 ms of a move
      await waitValid(page, '#where-am-i');
      await page.click('#where-am-i');
      await page.waitForFunction(() => /^You are near/.test(document.querySelector('[data-element-result="geolocation"]').textContent), null, { timeout: 10000 });
      assert((await text(page, '[data-element-result="geolocation"]')).includes('48.857'), 'the position shown');
      await waitBadge(page, 'geolocation', 'granted');
      await page.locator('.card[data-capability="geolocation"]').screenshot({ path: `${env.shots}/elements-chromium-native-geolocation.png` });
      const v = await axe(page, ['.card[data-capability="geolocation"]']);
      assertEqual(formatViolations(v), '', 'axe on the location card');
      await context.close();
    },
  },
  {
    name: 'Chromium: <jit-usermedia type="camera microphone"> runs the browser\'s <usermedia>; a real click joins the call (fake devices)',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      assertEqual(await inside(page, '#join-call'), 'usermedia', 'inside <jit-usermedia>');
      // The browser's element asks the browser, whose prompt headless Chromium cannot show: the browser grants
      // from outside first, so the library reports the browser's standing grant (persistent); the one-time record
      // of a click made at prompt is tested in tests/pages/elements-native.
      await setPermission(page, 'camera', 'granted');
      await setPermission(page, 'microphone', 'granted');
      await page.$eval('#join-call', (el) => el.scrollIntoView({ block: 'center' }));
      await page.waitForTimeout(600);
      await waitValid(page, '#join-call');
      await page.click('#join-call');
      await page.waitForFunction(() => document.querySelector('#call-video').videoWidth > 0, null, { timeout: 10000 });
      assertEqual(await text(page, '[data-element-result="video-call"]'), 'You are in the call.', 'the card says');
      await waitBadge(page, 'camera', 'granted');
      await page.locator('.card[data-capability="video-call"]').screenshot({ path: `${env.shots}/elements-chromium-native-usermedia.png` });
      await page.click('button[data-action="call-leave"]');
      await context.close();
    },
  },
  {
    name: 'Chromium without the browser\'s elements: the library\'s own buttons; a real click, the pre-prompt, Allow this time, a position',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser, { geolocation: GEO });
      await context.addInitScript(HIDE_NATIVE);
      await openDemo(page, env.base);
      assertEqual(await inside(page, '#where-am-i'), 'button', 'inside <jit-geolocation>');
      assertEqual(await inside(page, '#join-call'), 'button', 'inside <jit-usermedia>');
      assertEqual(await page.$eval('#join-call', (el) => el.shadowRoot.querySelector('[part="label"]').textContent), 'Use camera and microphone', 'label');
      await page.locator('.card[data-capability="video-call"]').screenshot({ path: `${env.shots}/elements-chromium-own-usermedia.png` });
      await page.$eval('#where-am-i', (el) => el.scrollIntoView({ block: 'center' }));
      await page.waitForTimeout(600);
      await waitValid(page, '#where-am-i');
      await page.click('#where-am-i');
      await waitPrePrompt(page, 'geolocation');
      await setPermission(page, 'geolocation', 'granted');
      await page.click(choice('allow-once'));
      await waitPrePromptClosed(page);
      await page.waitForFunction(() => /^You are near/.test(document.querySelector('[data-element-result="geolocation"]').textContent), null, { timeout: 10000 });
      await waitBadge(page, 'geolocation', 'granted', 'one-time');
      await page.locator('.card[data-capability="geolocation"]').screenshot({ path: `${env.shots}/elements-chromium-own-geolocation.png` });
      const v = await axe(page, ['.card[data-capability="geolocation"]', '.card[data-capability="video-call"]']);
      assertEqual(formatViolations(v), '', 'axe on both cards');
      await context.close();
    },
  },
  {
    name: 'Firefox (geckodriver): the library\'s own buttons; real clicks give a position and join the call (fake devices)',
    timeout: 60000,
    async fn(env, shared) {
      const location = `data:application/json,${JSON.stringify({ location: { lat: GEO.latitude, lng: GEO.longitude }, accuracy: GEO.accuracy })}`;
      shared.firefox = await startFirefox({ 'geo.provider.network.url': location });
      const { session, setPermission: setFirefox } = shared.firefox;
      const js = (fn, ...args) => session.executeScript(`return (${fn})(...arguments)`, ...args);
      await openDemoFirefox(session, env);
      assertEqual(await js(() => typeof window.HTMLGeolocationElement), 'undefined', 'Firefox has no HTMLGeolocationElement');
      const ownButton = async (id) => {
        await js((s) => document.querySelector(s).scrollIntoView({ block: 'center' }), id);
        await until(`${id} to be valid`, async () => js((s) => document.querySelector(s).isValid, id), { timeout: 5000 });
        const root = await (await session.findElement(By.css(id))).getShadowRoot();
        return root.findElement(By.css('button'));
      };
      await (await ownButton('#where-am-i')).click();
      await until('the geolocation pre-prompt', async () => (await prePromptFirefox(session)) === 'geolocation');
      await setFirefox('geolocation', 'granted'); // the person's Allow in Firefox's own prompt, from outside
      await shotFirefox(session, env, 'elements-firefox-pre-prompt-geolocation.png');
      await chooseFirefox(session, 'allow-once');
      await until('the position', async () => /^You are near/.test(await js(() => document.querySelector('[data-element-result="geolocation"]').textContent)), { timeout: 15000 });
      await js(() => document.querySelector('.card[data-capability="geolocation"]').scrollIntoView({ block: 'center' }));
      await shotFirefox(session, env, 'elements-firefox-own-geolocation.png');
      await (await ownButton('#join-call')).click();
      await until('the call pre-prompt', async () => (await prePromptFirefox(session)) !== null);
      await chooseFirefox(session, 'allow-once');
      await until('the video', async () => js(() => document.querySelector('#call-video').videoWidth > 0), { timeout: 15000 });
      await js(() => document.querySelector('.card[data-capability="video-call"]').scrollIntoView({ block: 'center' }));
      await shotFirefox(session, env, 'elements-firefox-own-usermedia.png');
      assertEqual(await js(() => document.querySelector('[data-element-result="video-call"]').textContent), 'You are in the call.', 'the card says');
    },
  },
];
