// The demo page (demo/), clicked through as a person would: each card's task, each pre-prompt choice,
// the state badges, the event log and the controls panel.
//
// Permissions from outside the page: headless Chromium answers a real geolocation or notification prompt
// "deny" at once, so where a test needs the browser to say yes, it grants the permission with CDP
// `Browser.setPermission` while the library's pre-prompt is open, before the click that makes the native
// request. (The browser's state then reads granted a moment before the decision; the library reports that
// as granted on every visit until the person's "Allow this time" makes it one-time.) Camera and microphone
// use `--auto-accept-camera-and-microphone-capture` (see lib.mjs MEDIA_ARGS).
//
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CONTROLS, GC_ARGS, MEDIA_ARGS, PRE_PROMPT, RECOVERY, assert, assertEqual, badgeOf, choice, launch, logEntries,
  newPage, openDemo, panelButton, panelRowOf, prePromptContent, setPermission, until, waitBadge, waitLog,
  waitPanelRow, waitPrePrompt, waitPrePromptClosed,
} from './lib.mjs';

const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];

export async function before(env, shared) {
  shared.browser = await launch([...MEDIA_ARGS, ...GC_ARGS]);
}

export async function after(env, shared) {
  await shared.browser?.close();
}

async function fresh(env, shared, query = '') {
  const { context, page } = await newPage(shared.browser);
  await openDemo(page, env.base, query);
  return { context, page };
}

function noProblems(page) {
  assert(page.problems.length === 0, `the page reported problems: ${page.problems.join(' | ')}`);
}

async function resultText(page, cap) {
  return page.$eval(`[data-result="${cap}"]`, (e) => e.textContent);
}

export const tests = [
  {
    name: 'loads under the strict CSP: every capability at prompt, the controls panel mounted',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      const response = await page.goto(`${env.base}/demo/`);
      assert(/script-src 'self' 'wasm-unsafe-eval'/.test(response.headers()['content-security-policy'] || ''),
        'the server sends the strict CSP');
      await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
      for (const name of NAMES) {
        const b = await badgeOf(page, name);
        assertEqual(b.state, 'prompt', `${name} badge state`);
        assertEqual(b.text, 'Permission: Will ask first', `${name} badge text`);
      }
      await page.waitForSelector(CONTROLS, { timeout: 5000 }).catch(async () => {
        const why = await page.$eval('#controls', (e) => e.textContent.trim());
        throw new Error(`no controls panel in the page${why ? `: ${why}` : ''}`);
      });
      for (const name of NAMES) await waitPanelRow(page, name, { state: 'prompt' });
      assertEqual(await page.$eval('#startup', (e) => e.textContent), 'Ready. Pick a task to start.', 'start-up line');
      assertEqual(await page.$$eval(PRE_PROMPT, (l) => l.length), 0, 'pre-prompts shown on load');
      await env.shot(page, '01-demo-loaded.png', { fullPage: true });
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'camera: Allow this time, the video shows, the photo is taken and the camera turns off',
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await page.click('button[data-action="camera-start"]');
      await waitPrePrompt(page, 'camera');
      const content = await prePromptContent(page);
      assertEqual(content.title, 'Use your camera to take a profile photo?', 'pre-prompt title');
      assert(/nothing is recorded or uploaded/.test(content.reason), `pre-prompt reason: ${content.reason}`);
      assert(content.image && content.image.src === 'img/camera.svg' && content.image.loaded, `pre-prompt image: ${JSON.stringify(content.image)}`);
      assert(/viewfinder/.test(content.image.alt), 'pre-prompt image alt text');
      assertEqual(content.buttons.join(','), 'allow-once,allow-always,dont-allow', 'pre-prompt choices');
      assertEqual(content.focused, 'allow-once', 'focus moved into the pre-prompt');
      await env.shot(page, '02-pre-prompt-camera.png');
      await waitLog(page, { type: 'prompt-shown', name: 'camera' });

      // As a site's own test would: the package's Playwright helper (jit-permissions/testing).
      const { answer } = await import(pathToFileURL(join(env.pkgDir, 'testing.js')).href);
      await answer(page, 'allow-once', { name: 'camera' });
      await waitPrePromptClosed(page);
      await page.waitForSelector('.card[data-capability="camera"][data-task="streaming"]');
      await until('the video to play', () => page.$eval('#camera-video', (v) => v.videoWidth > 0 && !v.paused));
      await waitBadge(page, 'camera', 'granted', 'one-time');
      await waitLog(page, { type: 'decision', name: 'camera', detail: 'allow-once' });
      await waitLog(page, { kind: 'change', name: 'camera', state: 'granted' });

      await page.evaluate(() => { window.__track = document.querySelector('#camera-video').srcObject.getVideoTracks()[0]; });
      await page.click('button[data-action="camera-capture"]');
      await page.waitForSelector('.card[data-capability="camera"][data-task="photo-taken"]');
      const photo = await page.$eval('#camera-photo', (c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 60) lit++;
        return { w: c.width, h: c.height, lit };
      });
      assert(photo.w > 0 && photo.lit > 1000, `the photo has the camera's picture: ${JSON.stringify(photo)}`);
      assertEqual(await page.evaluate(() => window.__track.readyState), 'ended', 'the camera track after the photo');
      assertEqual(await page.$eval('#camera-video', (v) => v.srcObject), null, 'the video after the photo');

      // Still granted after the track ended: a one-time grant lasts while the page lives.
      await waitBadge(page, 'camera', 'granted', 'one-time');
      await waitPanelRow(page, 'camera', { state: 'granted', grant: 'one-time' });
      const row = await panelRowOf(page, 'camera');
      assert(row.timeLeft && /\d/.test(row.timeLeft), `the panel shows the time left: ${JSON.stringify(row)}`);
      await env.shot(page, '03-camera-granted-photo.png', { fullPage: true });
      await page.locator('#controls').screenshot({ path: `${env.shots}/04-panel-one-time-countdown.png` });
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'video call: one pre-prompt names camera and microphone; one Allow this time gives two live tracks; the in-use indicator shows and goes',
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await page.click('button[data-action="call-start"]');
      await page.waitForSelector(`${PRE_PROMPT} dialog[open]`, { timeout: 10000 });
      const asked = await page.$eval(PRE_PROMPT, (h) => ({
        capability: h.shadowRoot.querySelector('dialog').dataset.capability,
        icons: h.shadowRoot.querySelectorAll('svg[part~="icon"]').length,
        title: h.shadowRoot.querySelector('[part~="title"]').textContent,
      }));
      assertEqual(JSON.stringify(asked), JSON.stringify({
        capability: 'camera microphone', icons: 2, title: 'Use your camera and microphone for a test video call?',
      }), 'the one pre-prompt');
      await env.shot(page, '05a-pre-prompt-video-call.png');
      await page.click(choice('allow-once'));
      await waitPrePromptClosed(page);
      await page.waitForSelector('.card[data-capability="microphone"][data-task="call"]');
      const tracks = await page.$eval('#call-video', (v) => v.srcObject.getTracks().map((t) => `${t.kind}:${t.readyState}`).sort().join());
      assertEqual(tracks, 'audio:live,video:live', 'tracks');
      assertEqual((await logEntries(page)).filter((e) => e.type === 'prompt-shown').length, 2, 'prompt-shown events (one per capability, one dialog)');
      await waitBadge(page, 'camera', 'granted', 'one-time');
      await waitBadge(page, 'microphone', 'granted', 'one-time');
      const indicator = 'body > div[data-jit-permissions="indicator"]';
      await page.waitForSelector(`${indicator} [part~="indicator"]:not([hidden])`);
      assertEqual(await page.$eval(indicator, (h) => h.shadowRoot.querySelector('[part~="indicator-text"]').textContent),
        'In use: Camera and Microphone', 'the indicator');
      await waitPanelRow(page, 'camera', { state: 'granted' });
      await until('the panel to mark the camera in use', () => page.$eval(CONTROLS, (h) => h.shadowRoot.querySelector('li[data-capability="camera"]').hasAttribute('data-in-use')));
      await env.shot(page, '05b-video-call-indicator.png', { fullPage: true });
      await page.click('button[data-action="call-end"]');
      await page.waitForSelector(`${indicator} [part~="indicator"][hidden]`, { state: 'attached' });
      await until('the indicator to announce the end', () => page.$eval(indicator, (h) => h.shadowRoot.querySelector('[role="status"]').textContent === 'No longer in use: Camera and Microphone'));
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'microphone: Allow on every visit, the level meter moves, stopping turns it off',
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await page.click('button[data-action="microphone-start"]');
      await waitPrePrompt(page, 'microphone');
      const content = await prePromptContent(page);
      assertEqual(content.title, 'Use your microphone to check your sound?', 'pre-prompt title');
      await env.shot(page, '05-pre-prompt-microphone.png');
      await page.click(choice('allow-always'));
      await waitPrePromptClosed(page);
      await page.waitForSelector('.card[data-capability="microphone"][data-task="listening"]');
      await until('the level meter to move', () => page.$eval('.card[data-capability="microphone"]', (c) => Number(c.dataset.peak) > 0), { timeout: 8000 });
      await waitBadge(page, 'microphone', 'granted', 'persistent');
      await waitPanelRow(page, 'microphone', { state: 'granted', grant: 'persistent' });
      const row = await panelRowOf(page, 'microphone');
      assertEqual(row.timeLeft, null, 'no countdown for a persistent grant');
      await waitLog(page, { type: 'decision', name: 'microphone', detail: 'allow-always' });
      await env.shot(page, '06-microphone-granted-level-meter.png', { fullPage: true });
      await page.click('button[data-action="microphone-stop"]');
      await page.waitForSelector('.card[data-capability="microphone"][data-task="stopped"]');
      assert(/The microphone is off/.test(await resultText(page, 'microphone')), 'result after stopping');
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'location: a dismissal spends nothing of the browser; Allow this time then tags the note',
    timeout: 40000,
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await context.setGeolocation({ latitude: 52.52, longitude: 13.405, accuracy: 20 });
      await page.fill('#note-text', 'Lunch by the river');
      await page.click('button[data-action="geolocation-tag"]');
      await waitPrePrompt(page, 'geolocation');
      const content = await prePromptContent(page);
      assertEqual(content.title, 'Use your location to tag this note?', 'pre-prompt title');
      await env.shot(page, '07-pre-prompt-geolocation.png');
      await page.click(choice('dismiss'));
      await waitPrePromptClosed(page);
      await until('the dismissal result', async () => /closed the question/.test(await resultText(page, 'geolocation')));
      await waitBadge(page, 'geolocation', 'prompt');
      await waitLog(page, { type: 'decision', name: 'geolocation', detail: 'dismiss' });
      assertEqual(await page.evaluate(() => navigator.permissions.query({ name: 'geolocation' }).then((s) => s.state)),
        'prompt', "the browser's own state after a dismissal (its prompt was never shown)");
      assertEqual(await page.$$eval('[data-notes] li', (l) => l.length), 0, 'notes after a dismissal');

      await page.click('button[data-action="geolocation-tag"]');
      await waitPrePrompt(page, 'geolocation');
      await setPermission(page, 'geolocation', 'granted'); // headless would deny the real prompt
      await page.click(choice('allow-once'));
      await waitPrePromptClosed(page);
      await page.waitForSelector('.card[data-capability="geolocation"][data-task="tagged"]');
      const note = await page.$eval('[data-notes] li', (li) => ({ text: li.textContent, lat: li.dataset.latitude, lon: li.dataset.longitude }));
      assertEqual(note.lat, '52.52', 'tagged latitude');
      assertEqual(note.lon, '13.405', 'tagged longitude');
      assert(/Lunch by the river/.test(note.text) && /52\.5200, 13\.4050/.test(note.text), `the note: ${note.text}`);
      await waitBadge(page, 'geolocation', 'granted', 'one-time');
      await waitPanelRow(page, 'geolocation', { state: 'granted', grant: 'one-time' });
      await waitLog(page, { type: 'decision', name: 'geolocation', detail: 'allow-once' });
      await env.shot(page, '08-geolocation-granted-note.png', { fullPage: true });
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'store finder (a third-party-style widget calling navigator.geolocation itself): the pre-prompt with its wrapper\'s data-permission words; Allow this time sorts the stores; one-time',
    timeout: 40000,
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await context.setGeolocation({ latitude: 48.8566, longitude: 2.3522, accuracy: 20 });
      await page.click('[data-store-finder] [data-widget="find"]');
      await waitPrePrompt(page, 'geolocation');
      const content = await prePromptContent(page);
      assertEqual(content.title, 'Find the stores nearest to you?', 'pre-prompt title (data-permission-title)');
      await setPermission(page, 'geolocation', 'granted'); // headless would deny the real prompt
      await page.click(choice('allow-once'));
      await waitPrePromptClosed(page);
      await page.waitForSelector('[data-store-finder] [data-widget="stores"] li');
      const first = await page.$eval('[data-store-finder] [data-widget="stores"] li', (li) => li.textContent);
      assert(/^Canal Street: \d+ km$/.test(first), `the nearest store: ${first}`);
      await waitBadge(page, 'geolocation', 'granted', 'one-time');
      await waitLog(page, { type: 'decision', name: 'geolocation', detail: 'allow-once' });
      noProblems(page);
      await context.close();
    },
  },

  {
    name: "notifications: Don't allow blocks at the site, Reset in the panel undoes it, then a test notification is sent",
    timeout: 40000,
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await page.click('button[data-action="notifications-send"]');
      await waitPrePrompt(page, 'notifications');
      await env.shot(page, '09-pre-prompt-notifications.png');
      await page.click(choice('dont-allow'));
      await waitPrePromptClosed(page);
      await waitBadge(page, 'notifications', 'denied');
      assertEqual((await badgeOf(page, 'notifications')).reason, 'user', 'reason of the block');
      await until("the Don't allow result", async () => /Don't allow/.test(await resultText(page, 'notifications')));
      await waitPanelRow(page, 'notifications', { state: 'denied', reason: 'user' });
      assertEqual(await page.evaluate(() => Notification.permission), 'default',
        "the browser's own answer after Don't allow (its prompt was never shown)");
      await waitLog(page, { type: 'decision', name: 'notifications', detail: 'dont-allow' });
      await env.shot(page, '10-notifications-dont-allow.png', { fullPage: true });

      // Asking again is refused at once, without a dialog.
      await page.click('button[data-action="notifications-send"]');
      await until('the refusal', async () => /Don't allow/.test(await resultText(page, 'notifications')) &&
        !(await page.$eval('button[data-action="notifications-send"]', (b) => b.disabled)));
      assertEqual(await page.$$eval(PRE_PROMPT, (l) => l.length), 0, "pre-prompts after Don't allow");

      await page.click(panelButton('reset', 'notifications'));
      await waitBadge(page, 'notifications', 'prompt');
      await waitLog(page, { type: 'reset', name: 'notifications' });

      await page.click('button[data-action="notifications-send"]');
      await waitPrePrompt(page, 'notifications');
      await setPermission(page, 'notifications', 'granted'); // headless would deny the real prompt
      await page.click(choice('allow-always'));
      await waitPrePromptClosed(page);
      await page.waitForSelector('.card[data-capability="notifications"]:is([data-task="sent"], [data-task="shown"])');
      assert(/Test notification sent/.test(await resultText(page, 'notifications')), 'result after sending');
      await waitBadge(page, 'notifications', 'granted', 'persistent');
      await waitPanelRow(page, 'notifications', { state: 'granted', grant: 'persistent' });
      await env.shot(page, '11-notifications-granted.png', { fullPage: true });
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'blocked in the browser: the recovery help opens, and closes by itself once unblocked',
    timeout: 40000,
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await setPermission(page, 'camera', 'denied');
      await waitBadge(page, 'camera', 'denied');
      assertEqual((await badgeOf(page, 'camera')).reason, 'browser', 'reason of the block');
      await waitPanelRow(page, 'camera', { state: 'denied', reason: 'browser' });
      assert((await panelRowOf(page, 'camera')).helpVisible, 'the panel offers How to unblock');

      await page.click('button[data-action="camera-start"]');
      await page.waitForSelector(`${RECOVERY} dialog[open][data-capability="camera"]`);
      const help = await page.$eval(RECOVERY, (h) => ({
        title: h.shadowRoot.querySelector('[part="title"]').textContent,
        steps: h.shadowRoot.querySelectorAll('[part="steps"] li').length,
      }));
      assert(help.steps >= 2, `the recovery help lists steps: ${JSON.stringify(help)}`);
      assertEqual(await page.$$eval(PRE_PROMPT, (l) => l.length), 0, 'pre-prompts while blocked');
      await env.shot(page, '12-recovery-help-camera.png');

      // The person unblocks it in the browser's settings: the help sees it and closes by itself.
      await setPermission(page, 'camera', 'granted');
      await page.waitForSelector(RECOVERY, { state: 'detached', timeout: 8000 });
      await page.waitForSelector('.card[data-capability="camera"][data-task="streaming"]');
      await waitBadge(page, 'camera', 'granted');
      await page.click('button[data-action="camera-stop"]');
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'three dismissals in a row (close button, Esc, backdrop) start an embargo',
    timeout: 40000,
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      const ask = async () => {
        await page.click('button[data-action="geolocation-tag"]');
        await waitPrePrompt(page, 'geolocation');
      };
      await ask();
      await page.click(choice('dismiss'));
      await waitPrePromptClosed(page);
      await ask();
      await page.keyboard.press('Escape');
      await waitPrePromptClosed(page);
      await ask();
      await page.mouse.click(8, 8); // the backdrop, outside the dialog
      await waitPrePromptClosed(page);
      await waitBadge(page, 'geolocation', 'denied');
      assertEqual((await badgeOf(page, 'geolocation')).reason, 'embargo', 'reason of the denial');
      await waitLog(page, { type: 'embargo', name: 'geolocation' });
      const dismissals = (await logEntries(page)).filter((e) => e.type === 'decision' && e.detail === 'dismiss').length;
      assertEqual(dismissals, 3, 'dismissals logged');
      await waitPanelRow(page, 'geolocation', { state: 'denied', reason: 'embargo' });

      await page.click('button[data-action="geolocation-tag"]');
      await until('the embargo result', async () => /stopped asking/.test(await resultText(page, 'geolocation')));
      assertEqual(await page.$$eval(PRE_PROMPT, (l) => l.length), 0, 'pre-prompts during the embargo');
      await env.shot(page, '13-embargo-geolocation.png', { fullPage: true });
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'Revoke in the panel ends a live one-time camera grant and stops its track',
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      await page.click('button[data-action="camera-start"]');
      await waitPrePrompt(page, 'camera');
      await page.click(choice('allow-once'));
      await page.waitForSelector('.card[data-capability="camera"][data-task="streaming"]');
      await page.evaluate(() => { window.__track = document.querySelector('#camera-video').srcObject.getVideoTracks()[0]; });
      await waitPanelRow(page, 'camera', { state: 'granted', grant: 'one-time' });
      await page.click(panelButton('revoke', 'camera'));
      await waitBadge(page, 'camera', 'prompt');
      await waitLog(page, { type: 'revocation', name: 'camera' });
      await waitLog(page, { kind: 'change', name: 'camera', state: 'prompt' });
      assertEqual(await page.evaluate(() => window.__track.readyState), 'ended', 'the track after Revoke');
      await until('the demo to turn the camera off', async () => /permission ended/.test(await resultText(page, 'camera')));
      // The next request asks again.
      await page.click('button[data-action="camera-start"]');
      await waitPrePrompt(page, 'camera');
      await page.click(choice('dismiss'));
      noProblems(page);
      await context.close();
    },
  },

  {
    name: 'the controls panel stays mounted when the page keeps no reference to its handle',
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      // The README shows `permissions.controls(element)` with its handle unused; a garbage collection must
      // not take the panel down (the demo itself keeps its handle, so this mounts a second panel).
      await page.evaluate(() => {
        const el = document.createElement('div');
        el.id = 'gc-panel';
        document.querySelector('.side').append(el);
        window.jitDemo.permissions.controls(el);
      });
      await page.waitForSelector('#gc-panel div[data-jit-permissions="controls"]');
      await page.evaluate(async () => {
        for (let i = 0; i < 3; i++) {
          await window.gc({ type: 'major', execution: 'async' }); // with no stack under it: nothing kept by chance
          await new Promise((r) => setTimeout(r, 150));
        }
      });
      const mounted = await page.evaluate(() => !!document.querySelector('#gc-panel div[data-jit-permissions="controls"]'));
      assert(mounted, 'the panel was removed from the page by a garbage collection of the handle that controls() returned');
      await context.close();
    },
  },

  {
    name: 'the fast-expiry switch reloads the page with a 10-second background limit, and back',
    async fn(env, shared) {
      const { context, page } = await fresh(env, shared);
      assertEqual(await page.getAttribute('html', 'data-expiry'), 'normal', 'expiry on first load');
      // The panel loads the tasks and the UI after the page says it is ready: a reload before they arrive would
      // abort their requests (a failed request is a problem here), so each reload waits for the panel.
      const panelShown = () => page.waitForSelector('#controls [data-jit-permissions="controls"]');
      await panelShown();
      await Promise.all([page.waitForNavigation(), page.click('#fast-expiry')]);
      await page.waitForSelector('html[data-ready="true"][data-expiry="fast"]');
      await panelShown();
      assert(page.url().endsWith('?expiry=fast'), `the address carries the choice: ${page.url()}`);
      assert(await page.isChecked('#fast-expiry'), 'the switch is on after the reload');
      assert(/10 seconds/.test(await page.textContent('[data-expiry-now]')), 'the page says the limit');
      await page.goto(`${env.base}/demo/`); // no parameter: this tab's session storage remembers
      await page.waitForSelector('html[data-ready="true"][data-expiry="fast"]');
      await panelShown();
      await Promise.all([page.waitForNavigation(), page.click('#fast-expiry')]);
      await page.waitForSelector('html[data-ready="true"][data-expiry="normal"]');
      await panelShown();
      assert(!(await page.isChecked('#fast-expiry')), 'the switch is off again');
      noProblems(page);
      await context.close();
    },
  },
];
