// The demo in Firefox: Playwright cannot drive Debian's firefox-esr (it needs its own patched build, which cannot
// be downloaded here), so this file drives it through WebDriver (geckodriver, selenium-webdriver). Real clicks and
// key presses go through WebDriver, into the pre-prompt's open shadow root.
//
// Firefox setup: headless, fake media devices (`media.navigator.streams.fake`) and no native camera prompt
// (`media.navigator.permission.disabled`: geckodriver cannot set camera permissions, and a headless Firefox has no
// person to click its prompt). Notifications are set from outside with WebDriver's `POST /session/{id}/permissions`,
// which geckodriver supports for them. Location is not clicked through: this machine has no location source, and
// Firefox then never answers getCurrentPosition (seen: no callback within a minute).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Builder, By, Key } from 'selenium-webdriver';
import { assert, assertEqual, cleanups, freePort, until } from './lib.mjs';

/** Starts geckodriver and a headless Firefox (`prefs` added to the set-up below); exported for elements.test.mjs. */
export async function startFirefox(prefs = {}) {
  const port = await freePort();
  const driver = spawn('geckodriver', ['--port', String(port), '--host', '127.0.0.1', '--log', 'warn'], {
    detached: true, stdio: 'ignore',
  });
  const stopDriver = async () => { try { process.kill(-driver.pid, 'SIGTERM'); } catch { /* gone */ } };
  cleanups.add(stopDriver);
  const url = `http://127.0.0.1:${port}`;
  await until('geckodriver to listen', async () => fetch(`${url}/status`).then((r) => r.ok, () => false), { timeout: 15000 });
  const session = await new Builder().usingServer(url).withCapabilities({
    browserName: 'firefox',
    'moz:firefoxOptions': {
      binary: '/usr/bin/firefox-esr',
      args: ['-headless'],
      prefs: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true, ...prefs },
    },
  }).build();
  const id = (await session.getSession()).getId();
  const quit = async () => { await session.quit().catch(() => {}); await stopDriver(); };
  cleanups.add(quit);
  return {
    session,
    quit,
    async setPermission(name, state) {
      const r = await fetch(`${url}/session/${id}/permissions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ descriptor: { name }, state }),
      });
      if (!r.ok) throw new Error(`geckodriver could not set ${name} to ${state}: ${await r.text()}`);
    },
  };
}

const js = (session, fn, ...args) => session.executeScript(`return (${fn})(...arguments)`, ...args);
const badge = (session, cap) => js(session, (c) => {
  const b = document.querySelector(`[data-badge="${c}"]`);
  return { state: b.dataset.state, grant: b.dataset.grant || null, reason: b.dataset.reason || null };
}, cap);
export const prePrompt = (session) => js(session, () => {
  const d = document.querySelector('div[data-jit-permissions="pre-prompt"]')?.shadowRoot?.querySelector('dialog[open]');
  return d ? d.getAttribute('data-capability') : null;
});
/** Waits until the open pre-prompt takes input (a dialog ignores clicks and keys for 500 ms after it shows). */
export const prePromptReady = (session) => until('the pre-prompt to take input', () => js(session, () => Boolean(
  document.querySelector('div[data-jit-permissions="pre-prompt"]')?.shadowRoot?.querySelector('dialog[open][data-ready]'))));

/** A real WebDriver click on a pre-prompt button, inside its open shadow root. */
export async function choose(session, choice) {
  await prePromptReady(session);
  const host = await session.findElement(By.css('div[data-jit-permissions="pre-prompt"]'));
  const root = await host.getShadowRoot();
  await (await root.findElement(By.css(`button[data-choice="${choice}"]`))).click();
  await until('the pre-prompt to close', async () => (await prePrompt(session)) === null);
}

async function waitBadge(session, cap, want) {
  await until(`the ${cap} badge to be ${JSON.stringify(want)}`, async () => {
    const b = await badge(session, cap);
    return Object.entries(want).every(([k, v]) => b[k] === v);
  });
}

export async function shot(session, env, name) {
  writeFileSync(join(env.shots, name), await session.takeScreenshot(), 'base64');
}

export async function before(env, shared) {
  shared.firefox = await startFirefox();
}

export async function after(env, shared) {
  await shared.firefox?.quit();
}

export async function openDemo(session, env) {
  await session.get(`${env.base}/demo/`);
  await js(session, () => localStorage.clear());
  await session.navigate().refresh();
  await until('the demo to start', async () => (await js(session, () => document.documentElement.dataset.ready)) === 'true', { timeout: 15000 });
}

export const tests = [
  {
    name: 'Firefox (geckodriver): the demo loads under the strict CSP with every capability at prompt and the panel mounted',
    async fn(env, shared) {
      const { session } = shared.firefox;
      await openDemo(session, env);
      for (const cap of ['camera', 'microphone', 'geolocation', 'notifications']) {
        assertEqual((await badge(session, cap)).state, 'prompt', `${cap} badge`);
      }
      // The panel shows once the library's tasks and UI have loaded (on first need): wait for it.
      const rows = () => js(session, () => document.querySelector('div[data-jit-permissions="controls"]')
        ?.shadowRoot.querySelectorAll('li[part~="row"]').length);
      await until('the controls panel', async () => (await rows()) === 4, { timeout: 10000 }).catch(() => {});
      assertEqual(await rows(), 4, 'controls panel rows');
      await shot(session, env, 'firefox-01-demo-loaded.png');
    },
  },
  {
    name: 'Firefox (geckodriver): camera Allow this time with real clicks (answered with jit-permissions/testing), a photo from the fake camera, the track ends',
    async fn(env, shared) {
      const { session } = shared.firefox;
      const { answerWebDriver } = await import(pathToFileURL(join(env.pkgDir, 'testing.js')).href);
      await openDemo(session, env);
      await session.findElement(By.css('button[data-action="camera-start"]')).click();
      await until('the camera pre-prompt', async () => (await prePrompt(session)) === 'camera');
      await shot(session, env, 'firefox-02-pre-prompt-camera.png');
      // The package's own WebDriver helper: the button found in the page, clicked by geckodriver.
      await answerWebDriver(session, 'allow-once', { name: 'camera' });
      await until('the pre-prompt to close', async () => (await prePrompt(session)) === null);
      await waitBadge(session, 'camera', { state: 'granted', grant: 'one-time' });
      await until('the video to play', async () => js(session, () => document.querySelector('#camera-video').videoWidth > 0));
      await js(session, () => { window.__track = document.querySelector('#camera-video').srcObject.getVideoTracks()[0]; });
      await session.findElement(By.css('button[data-action="camera-capture"]')).click();
      await until('the photo', async () => (await js(session, () => document.querySelector('.card[data-capability="camera"]').dataset.task)) === 'photo-taken');
      assertEqual(await js(session, () => window.__track.readyState), 'ended', 'the camera track after the photo');
      await waitBadge(session, 'camera', { state: 'granted', grant: 'one-time' });
      await shot(session, env, 'firefox-03-camera-granted.png');
    },
  },
  {
    name: 'Firefox (geckodriver): a real Esc dismisses the pre-prompt, and focus returns to the card button',
    async fn(env, shared) {
      const { session } = shared.firefox;
      await openDemo(session, env);
      const start = await session.findElement(By.css('button[data-action="microphone-start"]'));
      await start.click();
      await until('the microphone pre-prompt', async () => (await prePrompt(session)) === 'microphone');
      await prePromptReady(session);
      await session.actions().sendKeys(Key.ESCAPE).perform();
      await until('the pre-prompt to close', async () => (await prePrompt(session)) === null);
      await waitBadge(session, 'microphone', { state: 'prompt' });
      const focused = await js(session, () => document.activeElement?.dataset.action || null);
      assertEqual(focused, 'microphone-start', 'the element focused after Esc');
      const dismissals = await js(session, () => [...document.querySelectorAll('#log li')]
        .filter((li) => li.dataset.type === 'decision' && li.dataset.detail === 'dismiss').length);
      assert(dismissals >= 1, 'the log shows the dismissal');
    },
  },
  {
    name: 'Firefox (geckodriver): notifications Don\'t allow blocks at the site, Reset in the panel undoes it, then Allow on every visit',
    async fn(env, shared) {
      const { session, setPermission } = shared.firefox;
      await setPermission('notifications', 'prompt');
      await openDemo(session, env);
      await session.findElement(By.css('button[data-action="notifications-send"]')).click();
      await until('the notifications pre-prompt', async () => (await prePrompt(session)) === 'notifications');
      await choose(session, 'dont-allow');
      await waitBadge(session, 'notifications', { state: 'denied', reason: 'user' });
      const host = await session.findElement(By.css('div[data-jit-permissions="controls"]'));
      await (await (await host.getShadowRoot()).findElement(By.css('button[data-action="reset"][data-capability="notifications"]'))).click();
      await waitBadge(session, 'notifications', { state: 'prompt' });
      await session.findElement(By.css('button[data-action="notifications-send"]')).click();
      await until('the notifications pre-prompt again', async () => (await prePrompt(session)) === 'notifications');
      // The person's "Allow" in Firefox's own prompt, given from outside (headless Firefox has nobody to click it).
      await setPermission('notifications', 'granted');
      await choose(session, 'allow-always');
      await waitBadge(session, 'notifications', { state: 'granted', grant: 'persistent' });
      await setPermission('notifications', 'prompt');
    },
  },
];
