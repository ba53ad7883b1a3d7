// No device, for real (issue 13): Chromium without fake devices (no --use-fake-device-for-media-stream) on a machine
// with no camera, as these machines are. The browser's own prompt is answered Allow (auto-accept), so what fails is
// the device: getUserMedia rejects with NotFoundError. The library shows no dialog that cannot help (no recovery help
// after the pre-prompt), the call rejects with the browser's own error, and an audit event says `blocked`, cause
// `no-device`. If the machine has a camera after all, the test says so and fails (it cannot tell).
import {
  PRE_PROMPT, RECOVERY, assert, assertEqual, choice, launch, newPage, openDemo, waitLog, waitPrePrompt,
  waitPrePromptClosed, until,
} from './lib.mjs';

export async function before(env, shared) {
  shared.browser = await launch(['--auto-accept-camera-and-microphone-capture']);
}

export async function after(env, shared) {
  await shared.browser?.close();
}

export const tests = [
  {
    name: 'no camera (fake devices off): after Allow this time no recovery help, the call rejects with the native NotFoundError, audited blocked (no-device)',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      const devices = await page.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').length);
      assertEqual(devices, 0, 'video inputs on this machine (the test needs none)');
      let recoveries = 0;
      await page.exposeFunction('__recoveryShown', () => { recoveries++; });
      await page.evaluate(() => new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1 && n.matches('div[data-jit-permissions="recovery"]')) window.__recoveryShown();
      }).observe(document.body, { childList: true }));
      await page.click('button[data-action="camera-start"]');
      await waitPrePrompt(page, 'camera');
      await page.click(choice('allow-once'));
      await waitPrePromptClosed(page);
      await until('the task to report the failure', () => page.$eval('[data-result="camera"]', (e) => /NotFoundError/.test(e.textContent)));
      const text = await page.$eval('[data-result="camera"]', (e) => e.textContent);
      assert(/^Could not finish the task: NotFoundError/.test(text), `result: ${text}`);
      await waitLog(page, { type: 'blocked', name: 'camera', detail: 'no-device' });
      await page.waitForTimeout(300);
      assertEqual(recoveries, 0, 'recovery dialogs shown');
      assertEqual(await page.$$eval(`${PRE_PROMPT}, ${RECOVERY}`, (l) => l.length), 0, 'dialogs left open');
      await context.close();
    },
  },
];
